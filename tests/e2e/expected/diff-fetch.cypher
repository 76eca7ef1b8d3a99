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
  {id: 'lt-0e2e0000000000103', account_id: '111111111111', region: 'us-east-1'}
] AS row
MATCH (v:AWSLaunchTemplateVersion)
WHERE v.id STARTS WITH row.id + '-'
DETACH DELETE v;
UNWIND [
  {id: 'lt-0e2e0000000000103', account_id: '111111111111', region: 'us-east-1'}
] AS row
MATCH (n:AWSLaunchTemplate {id: row.id})
DETACH DELETE n;
:commit
:begin
UNWIND [
  {id: 'lt-0e2e0000000000103-1'},
  {id: 'lt-0e2e0000000000103-2'}
] AS row
MATCH (n:AWSLaunchTemplateVersion {id: row.id})
DETACH DELETE n;
:commit
:begin
UNWIND [
  {id: 'race:delete-after-list target'}
] AS row
MATCH (n:AWSTag {id: row.id})
WHERE NOT EXISTS { (n)<-[:TAGGED]-() }
DETACH DELETE n;
:commit
