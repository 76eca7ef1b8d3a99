UNWIND {{rows}} AS row
MATCH (n:AWSLaunchTemplateVersion {id: row.id})
DETACH DELETE n;
