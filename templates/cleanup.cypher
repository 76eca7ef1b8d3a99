UNWIND {{scopes}} AS scope
MATCH (:AWSAccount {id: scope.account_id})-[:RESOURCE]->(n:AWSLaunchTemplateVersion)
WHERE n.region IN scope.regions AND n.lastupdated <> $update_tag
DETACH DELETE n;
UNWIND {{scopes}} AS scope
MATCH (:AWSAccount {id: scope.account_id})-[:RESOURCE]->(n:AWSLaunchTemplate)
WHERE n.region IN scope.regions AND n.lastupdated <> $update_tag
DETACH DELETE n;
UNWIND {{scopes}} AS scope
MATCH (:AWSAccount {id: scope.account_id})-[r:RESOURCE]->(n:AWSLaunchTemplateVersion)
WHERE n.region IN scope.regions AND r.lastupdated <> $update_tag
DELETE r;
UNWIND {{scopes}} AS scope
MATCH (:AWSAccount {id: scope.account_id})-[r:RESOURCE]->(n:AWSLaunchTemplate)
WHERE n.region IN scope.regions AND r.lastupdated <> $update_tag
DELETE r;
UNWIND {{scopes}} AS scope
MATCH (:AWSAccount {id: scope.account_id})-[:RESOURCE]->(v:AWSLaunchTemplateVersion)<-[r:VERSION]-(:AWSLaunchTemplate)
WHERE v.region IN scope.regions AND r.lastupdated <> $update_tag
DELETE r;
UNWIND {{scopes}} AS scope
MATCH (:AWSAccount {id: scope.account_id})-[:RESOURCE]->(t:AWSLaunchTemplate)-[r:TAGGED]->(:AWSTag)
WHERE t.region IN scope.regions AND r.lastupdated <> $update_tag
DELETE r;
