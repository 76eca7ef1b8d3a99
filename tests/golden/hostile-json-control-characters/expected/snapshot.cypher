// Written by ltsnap. Run it with cypher-shell -f against a Neo4j 5 database.
// The update tag (Unix seconds, as Cartography uses) is taken when the script is loaded.
:param {update_tag: timestamp() / 1000}
CREATE INDEX IF NOT EXISTS FOR (n:AWSAccount) ON (n.id);
CREATE INDEX IF NOT EXISTS FOR (n:AWSLaunchTemplate) ON (n.id);
CREATE INDEX IF NOT EXISTS FOR (n:AWSLaunchTemplate) ON (n.lastupdated);
CREATE INDEX IF NOT EXISTS FOR (n:LaunchTemplate) ON (n.id);
CREATE INDEX IF NOT EXISTS FOR (n:LaunchTemplate) ON (n.lastupdated);
CREATE INDEX IF NOT EXISTS FOR (n:AWSLaunchTemplateVersion) ON (n.id);
CREATE INDEX IF NOT EXISTS FOR (n:AWSLaunchTemplateVersion) ON (n.lastupdated);
CREATE INDEX IF NOT EXISTS FOR (n:LaunchTemplateVersion) ON (n.id);
CREATE INDEX IF NOT EXISTS FOR (n:LaunchTemplateVersion) ON (n.lastupdated);
CREATE INDEX IF NOT EXISTS FOR (n:AWSTag) ON (n.id);
:begin
UNWIND [
  {id: '123456789012'}
] AS row
MERGE (n:AWSAccount {id: row.id})
ON CREATE SET n.firstseen = timestamp()
SET n:Tenant,
    n.lastupdated = $update_tag;
:commit
:begin
UNWIND [
  {id: 'lt-0bad00000000000c1', account_id: '123456789012', region: 'us-east-1'}
] AS row
MATCH (v:AWSLaunchTemplateVersion)
WHERE v.id STARTS WITH row.id + '-'
DETACH DELETE v;
UNWIND [
  {id: 'lt-0bad00000000000c1', account_id: '123456789012', region: 'us-east-1'}
] AS row
MATCH (n:AWSLaunchTemplate {id: row.id})
DETACH DELETE n;
:commit
:begin
UNWIND [
  {account_id: '123456789012', regions: ['us-east-1']}
] AS scope
MATCH (:AWSAccount {id: scope.account_id})-[:RESOURCE]->(n:AWSLaunchTemplateVersion)
WHERE n.region IN scope.regions AND n.lastupdated <> $update_tag
DETACH DELETE n;
UNWIND [
  {account_id: '123456789012', regions: ['us-east-1']}
] AS scope
MATCH (:AWSAccount {id: scope.account_id})-[:RESOURCE]->(n:AWSLaunchTemplate)
WHERE n.region IN scope.regions AND n.lastupdated <> $update_tag
DETACH DELETE n;
UNWIND [
  {account_id: '123456789012', regions: ['us-east-1']}
] AS scope
MATCH (:AWSAccount {id: scope.account_id})-[r:RESOURCE]->(n:AWSLaunchTemplateVersion)
WHERE n.region IN scope.regions AND r.lastupdated <> $update_tag
DELETE r;
UNWIND [
  {account_id: '123456789012', regions: ['us-east-1']}
] AS scope
MATCH (:AWSAccount {id: scope.account_id})-[r:RESOURCE]->(n:AWSLaunchTemplate)
WHERE n.region IN scope.regions AND r.lastupdated <> $update_tag
DELETE r;
UNWIND [
  {account_id: '123456789012', regions: ['us-east-1']}
] AS scope
MATCH (:AWSAccount {id: scope.account_id})-[:RESOURCE]->(v:AWSLaunchTemplateVersion)<-[r:VERSION]-(:AWSLaunchTemplate)
WHERE v.region IN scope.regions AND r.lastupdated <> $update_tag
DELETE r;
UNWIND [
  {account_id: '123456789012', regions: ['us-east-1']}
] AS scope
MATCH (:AWSAccount {id: scope.account_id})-[:RESOURCE]->(t:AWSLaunchTemplate)-[r:TAGGED]->(:AWSTag)
WHERE t.region IN scope.regions AND r.lastupdated <> $update_tag
DELETE r;
:commit
