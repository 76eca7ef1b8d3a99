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
// After neo4j-admin database import full: Cartography's lastupdated and firstseen.
// Needs Neo4j 5.23 or later (CALL (x) { ... } IN TRANSACTIONS).
MATCH (n:AWSAccount) WHERE n.lastupdated IS NULL
CALL (n) { SET n.lastupdated = $update_tag, n.firstseen = timestamp() } IN TRANSACTIONS OF 10000 ROWS;
MATCH (n:AWSLaunchTemplate) WHERE n.lastupdated IS NULL
CALL (n) { SET n.lastupdated = $update_tag, n.firstseen = timestamp() } IN TRANSACTIONS OF 10000 ROWS;
MATCH (n:AWSLaunchTemplateVersion) WHERE n.lastupdated IS NULL
CALL (n) { SET n.lastupdated = $update_tag, n.firstseen = timestamp() } IN TRANSACTIONS OF 10000 ROWS;
MATCH (n:AWSTag) WHERE n.lastupdated IS NULL
CALL (n) { SET n.lastupdated = $update_tag, n.firstseen = timestamp() } IN TRANSACTIONS OF 10000 ROWS;
MATCH (:AWSAccount)-[r:RESOURCE]->(:AWSLaunchTemplate) WHERE r.lastupdated IS NULL
CALL (r) { SET r.lastupdated = $update_tag, r.firstseen = timestamp() } IN TRANSACTIONS OF 10000 ROWS;
MATCH (:AWSAccount)-[r:RESOURCE]->(:AWSLaunchTemplateVersion) WHERE r.lastupdated IS NULL
CALL (r) { SET r.lastupdated = $update_tag, r.firstseen = timestamp() } IN TRANSACTIONS OF 10000 ROWS;
MATCH (:AWSLaunchTemplate)-[r:VERSION]->(:AWSLaunchTemplateVersion) WHERE r.lastupdated IS NULL
CALL (r) { SET r.lastupdated = $update_tag, r.firstseen = timestamp() } IN TRANSACTIONS OF 10000 ROWS;
MATCH (:AWSLaunchTemplate)-[r:TAGGED]->(:AWSTag) WHERE r.lastupdated IS NULL
CALL (r) { SET r.lastupdated = $update_tag, r.firstseen = timestamp() } IN TRANSACTIONS OF 10000 ROWS;
