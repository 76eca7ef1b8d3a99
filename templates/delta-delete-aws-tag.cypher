UNWIND {{rows}} AS row
MATCH (n:AWSTag {id: row.id})
WHERE NOT EXISTS { (n)<-[:TAGGED]-() }
DETACH DELETE n;
