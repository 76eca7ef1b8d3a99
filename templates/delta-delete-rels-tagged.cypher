UNWIND {{rows}} AS row
MATCH (:AWSLaunchTemplate {id: row.from})-[r:TAGGED]->(:AWSTag {id: row.to})
DELETE r;
