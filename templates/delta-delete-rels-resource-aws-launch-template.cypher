UNWIND {{rows}} AS row
MATCH (:AWSAccount {id: row.from})-[r:RESOURCE]->(:AWSLaunchTemplate {id: row.to})
DELETE r;
