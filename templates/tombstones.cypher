UNWIND {{rows}} AS row
MATCH (v:AWSLaunchTemplateVersion)
WHERE v.id STARTS WITH row.id + '-'
DETACH DELETE v;
UNWIND {{rows}} AS row
MATCH (n:AWSLaunchTemplate {id: row.id})
DETACH DELETE n;
