UNWIND {{rows}} AS row
MATCH (a:AWSLaunchTemplate {id: row.from})
MATCH (b:AWSLaunchTemplateVersion {id: row.to})
MERGE (a)-[r:VERSION]->(b)
ON CREATE SET r.firstseen = timestamp()
SET r.lastupdated = $update_tag;
