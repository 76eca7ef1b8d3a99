UNWIND {{rows}} AS row
MATCH (:AWSLaunchTemplate {id: row.from})-[r:VERSION]->(:AWSLaunchTemplateVersion {id: row.to})
DELETE r;
