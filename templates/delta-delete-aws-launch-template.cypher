UNWIND {{rows}} AS row
MATCH (n:AWSLaunchTemplate {id: row.id})
DETACH DELETE n;
