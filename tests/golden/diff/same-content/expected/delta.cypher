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
