// Written by ltsnap. Run it with cypher-shell -f against a Neo4j 5 database.
// The update tag (Unix seconds, as Cartography uses) was pinned with --update-tag.
:param {update_tag: {{update_tag}}}
