UNWIND {{rows}} AS row
MATCH (a:AWSLaunchTemplate {id: row.from})
MATCH (b:AWSTag {id: row.to})
MERGE (a)-[r:TAGGED]->(b)
ON CREATE SET r.firstseen = timestamp()
SET r.lastupdated = $update_tag;
