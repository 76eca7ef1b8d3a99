UNWIND {{rows}} AS row
MERGE (n:AWSLaunchTemplate {id: row.id})
ON CREATE SET n.firstseen = timestamp()
SET n:LaunchTemplate,
    n.launch_template_id = row.launch_template_id,
    n.name = row.name,
    n.create_time = row.create_time,
    n.created_by = row.created_by,
    n.default_version_number = row.default_version_number,
    n.latest_version_number = row.latest_version_number,
    n.region = row.region,
    n.lastupdated = $update_tag;
