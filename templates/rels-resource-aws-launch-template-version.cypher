UNWIND {{rows}} AS row
MATCH (a:AWSAccount {id: row.from})
MATCH (b:AWSLaunchTemplateVersion {id: row.to})
MERGE (a)-[r:RESOURCE]->(b)
ON CREATE SET r.firstseen = timestamp()
SET r.lastupdated = $update_tag;
