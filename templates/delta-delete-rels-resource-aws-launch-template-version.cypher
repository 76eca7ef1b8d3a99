UNWIND {{rows}} AS row
MATCH (:AWSAccount {id: row.from})-[r:RESOURCE]->(:AWSLaunchTemplateVersion {id: row.to})
DELETE r;
