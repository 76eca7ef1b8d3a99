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
  {id: '111111111111'}
] AS row
MERGE (n:AWSAccount {id: row.id})
ON CREATE SET n.firstseen = timestamp()
SET n:Tenant,
    n.lastupdated = $update_tag;
:commit
:begin
UNWIND [
  {id: 'lt-0e2e0000000000101', launch_template_id: 'lt-0e2e0000000000101', name: 'e2e-app', create_time: '1704880800', created_by: 'arn:aws:iam::111111111111:user/alice', default_version_number: 2, latest_version_number: 4, region: 'us-east-1'},
  {id: 'lt-0e2e0000000000102', launch_template_id: 'lt-0e2e0000000000102', name: 'e2e-single', create_time: '1705744800', created_by: 'arn:aws:iam::111111111111:user/alice', default_version_number: 1, latest_version_number: 1, region: 'us-east-1'},
  {id: 'lt-0e2e0000000000103', launch_template_id: 'lt-0e2e0000000000103', name: 'e2e-doomed', create_time: '1706781600', created_by: 'arn:aws:iam::111111111111:user/alice', default_version_number: 2, latest_version_number: 2, region: 'us-east-1'},
  {id: 'lt-0e2e0000000000104', launch_template_id: 'lt-0e2e0000000000104', name: 'e2e-gaps', create_time: '1707559200', created_by: 'arn:aws:iam::111111111111:user/alice', default_version_number: 1, latest_version_number: 7, region: 'us-east-1'},
  {id: 'lt-0e2e0000000000105', launch_template_id: 'lt-0e2e0000000000105', name: 'e2e-managed', create_time: '1709287200', created_by: 'arn:aws:iam::111111111111:user/alice', default_version_number: 1, latest_version_number: 2, region: 'us-east-1'},
  {id: 'lt-0e2e0000000000106', launch_template_id: 'lt-0e2e0000000000106', name: 'e2e-hostile', create_time: '1710064800', created_by: 'arn:aws:iam::111111111111:user/alice', default_version_number: 1, latest_version_number: 1, region: 'us-east-1'},
  {id: 'lt-0e2e0000000000107', launch_template_id: 'lt-0e2e0000000000107', name: 'e2e-default-is-latest', create_time: '1710928800', created_by: 'arn:aws:iam::111111111111:user/alice', default_version_number: 3, latest_version_number: 3, region: 'us-east-1'}
] AS row
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
:commit
:begin
UNWIND [
  {id: 'lt-0e2e0000000000101-1', launch_template_id: 'lt-0e2e0000000000101', name: 'e2e-app', create_time: '1704880800', created_by: 'arn:aws:iam::111111111111:user/alice', default_version: false, version_number: 1, version_description: 'v1', image_id: 'ami-0e2e00000000a0001', instance_type: 't3.micro', security_group_ids: ['sg-0e2e000000000a001'], region: 'us-east-1', launch_template_data: '{"ImageId":"ami-0e2e00000000a0001","InstanceType":"t3.micro","SecurityGroupIds":["sg-0e2e000000000a001"]}'},
  {id: 'lt-0e2e0000000000101-2', launch_template_id: 'lt-0e2e0000000000101', name: 'e2e-app', create_time: '1704967200', created_by: 'arn:aws:iam::111111111111:user/alice', default_version: true, version_number: 2, version_description: 'v2 default', image_id: 'ami-0e2e00000000a0002', instance_type: 't3.small', security_group_ids: ['sg-0e2e000000000a001'], region: 'us-east-1', http_tokens: 'required', launch_template_data: '{"ImageId":"ami-0e2e00000000a0002","InstanceType":"t3.small","MetadataOptions":{"HttpTokens":"required"},"SecurityGroupIds":["sg-0e2e000000000a001"]}'},
  {id: 'lt-0e2e0000000000101-3', launch_template_id: 'lt-0e2e0000000000101', name: 'e2e-app', create_time: '1705053600', created_by: 'arn:aws:iam::111111111111:user/alice', default_version: false, version_number: 3, version_description: 'v3', image_id: 'ami-0e2e00000000a0003', instance_type: 't3.small', security_group_ids: ['sg-0e2e000000000a001', 'sg-0e2e000000000a002'], region: 'us-east-1', launch_template_data: '{"ImageId":"ami-0e2e00000000a0003","InstanceType":"t3.small","SecurityGroupIds":["sg-0e2e000000000a001","sg-0e2e000000000a002"]}'},
  {id: 'lt-0e2e0000000000101-4', launch_template_id: 'lt-0e2e0000000000101', name: 'e2e-app', create_time: '1705140000', created_by: 'arn:aws:iam::111111111111:user/alice', default_version: false, version_number: 4, version_description: 'v4 latest', image_id: 'ami-0e2e00000000a0004', instance_type: 't3.medium', security_group_ids: ['sg-0e2e000000000a003'], region: 'us-east-1', launch_template_data: '{"ImageId":"ami-0e2e00000000a0004","InstanceType":"t3.medium","NetworkInterfaces":[{"DeviceIndex":0,"Groups":["sg-0e2e000000000a003"]}]}'},
  {id: 'lt-0e2e0000000000102-1', launch_template_id: 'lt-0e2e0000000000102', name: 'e2e-single', create_time: '1705744800', created_by: 'arn:aws:iam::111111111111:user/alice', default_version: true, version_number: 1, image_id: 'ami-0e2e00000000b0001', instance_type: 't3.nano', region: 'us-east-1', launch_template_data: '{"ImageId":"ami-0e2e00000000b0001","InstanceType":"t3.nano"}'},
  {id: 'lt-0e2e0000000000103-1', launch_template_id: 'lt-0e2e0000000000103', name: 'e2e-doomed', create_time: '1706781600', created_by: 'arn:aws:iam::111111111111:user/alice', default_version: false, version_number: 1, version_description: 'v1', image_id: 'ami-0e2e00000000c0001', instance_type: 't3.micro', region: 'us-east-1', launch_template_data: '{"ImageId":"ami-0e2e00000000c0001","InstanceType":"t3.micro"}'},
  {id: 'lt-0e2e0000000000103-2', launch_template_id: 'lt-0e2e0000000000103', name: 'e2e-doomed', create_time: '1706868000', created_by: 'arn:aws:iam::111111111111:user/alice', default_version: true, version_number: 2, version_description: 'v2', image_id: 'ami-0e2e00000000c0002', instance_type: 't3.micro', region: 'us-east-1', launch_template_data: '{"ImageId":"ami-0e2e00000000c0002","InstanceType":"t3.micro"}'},
  {id: 'lt-0e2e0000000000104-1', launch_template_id: 'lt-0e2e0000000000104', name: 'e2e-gaps', create_time: '1707559200', created_by: 'arn:aws:iam::111111111111:user/alice', default_version: true, version_number: 1, version_description: 'v1 default', image_id: 'ami-0e2e00000000d0001', instance_type: 'm6i.large', region: 'us-east-1', launch_template_data: '{"ImageId":"ami-0e2e00000000d0001","InstanceType":"m6i.large"}'},
  {id: 'lt-0e2e0000000000104-3', launch_template_id: 'lt-0e2e0000000000104', name: 'e2e-gaps', create_time: '1707818400', created_by: 'arn:aws:iam::111111111111:user/alice', default_version: false, version_number: 3, version_description: 'v3', image_id: 'ami-0e2e00000000d0003', instance_type: 'm6i.large', region: 'us-east-1', launch_template_data: '{"ImageId":"ami-0e2e00000000d0003","InstanceType":"m6i.large"}'},
  {id: 'lt-0e2e0000000000104-7', launch_template_id: 'lt-0e2e0000000000104', name: 'e2e-gaps', create_time: '1708164000', created_by: 'arn:aws:iam::111111111111:user/alice', default_version: false, version_number: 7, version_description: 'v7 latest', image_id: 'ami-0e2e00000000d0007', instance_type: 'm6i.xlarge', region: 'us-east-1', launch_template_data: '{"ImageId":"ami-0e2e00000000d0007","InstanceType":"m6i.xlarge"}'},
  {id: 'lt-0e2e0000000000105-1', launch_template_id: 'lt-0e2e0000000000105', name: 'e2e-managed', create_time: '1709287200', created_by: 'arn:aws:iam::111111111111:user/alice', default_version: true, version_number: 1, image_id: 'ami-0e2e00000000e0001', instance_type: 'm6i.large', region: 'us-east-1', launch_template_data: '{"ImageId":"ami-0e2e00000000e0001","InstanceType":"m6i.large"}'},
  {id: 'lt-0e2e0000000000105-2', launch_template_id: 'lt-0e2e0000000000105', name: 'e2e-managed', create_time: '1709373600', created_by: 'arn:aws:iam::111111111111:user/alice', default_version: false, version_number: 2, image_id: 'ami-0e2e00000000e0002', instance_type: 'm6i.large', region: 'us-east-1', launch_template_data: '{"ImageId":"ami-0e2e00000000e0002","InstanceType":"m6i.large"}'},
  {id: 'lt-0e2e0000000000106-1', launch_template_id: 'lt-0e2e0000000000106', name: 'e2e-hostile', create_time: '1710064800', created_by: 'arn:aws:iam::111111111111:user/alice', default_version: true, version_number: 1, version_description: 'desc with <xml> & "quotes" and \'apostrophes\'\nsecond line', image_id: 'ami-0e2e00000000f0001', instance_type: 't3.micro', key_name: 'key ;`\'"\\', security_groups: ['grp;with,delims', 'grp with spaces', 'grp:colon|pipe'], region: 'us-east-1', launch_template_data: '{"ImageId":"ami-0e2e00000000f0001","InstanceType":"t3.micro","KeyName":"key ;`\'\\"\\\\","SecurityGroups":["grp;with,delims","grp with spaces","grp:colon|pipe"]}'},
  {id: 'lt-0e2e0000000000107-1', launch_template_id: 'lt-0e2e0000000000107', name: 'e2e-default-is-latest', create_time: '1710928800', created_by: 'arn:aws:iam::111111111111:user/alice', default_version: false, version_number: 1, version_description: 'v1', image_id: 'ami-0e2e0000000010001', instance_type: 't3.micro', region: 'us-east-1', launch_template_data: '{"ImageId":"ami-0e2e0000000010001","InstanceType":"t3.micro"}'},
  {id: 'lt-0e2e0000000000107-2', launch_template_id: 'lt-0e2e0000000000107', name: 'e2e-default-is-latest', create_time: '1711015200', created_by: 'arn:aws:iam::111111111111:user/alice', default_version: false, version_number: 2, version_description: 'v2', image_id: 'ami-0e2e0000000010002', instance_type: 't3.micro', region: 'us-east-1', launch_template_data: '{"ImageId":"ami-0e2e0000000010002","InstanceType":"t3.micro"}'},
  {id: 'lt-0e2e0000000000107-3', launch_template_id: 'lt-0e2e0000000000107', name: 'e2e-default-is-latest', create_time: '1711101600', created_by: 'arn:aws:iam::111111111111:user/alice', default_version: true, version_number: 3, version_description: 'v3 default+latest', image_id: 'ami-0e2e0000000010003', instance_type: 't3.micro', region: 'us-east-1', launch_template_data: '{"ImageId":"ami-0e2e0000000010003","InstanceType":"t3.micro"}'}
] AS row
MERGE (n:AWSLaunchTemplateVersion {id: row.id})
ON CREATE SET n.firstseen = timestamp()
SET n:LaunchTemplateVersion,
    n.launch_template_id = row.launch_template_id,
    n.name = row.name,
    n.create_time = row.create_time,
    n.created_by = row.created_by,
    n.default_version = row.default_version,
    n.version_number = row.version_number,
    n.version_description = row.version_description,
    n.kernel_id = row.kernel_id,
    n.ebs_optimized = row.ebs_optimized,
    n.iam_instance_profile_arn = row.iam_instance_profile_arn,
    n.iam_instance_profile_name = row.iam_instance_profile_name,
    n.image_id = row.image_id,
    n.instance_type = row.instance_type,
    n.key_name = row.key_name,
    n.monitoring_enabled = row.monitoring_enabled,
    n.ramdisk_id = row.ramdisk_id,
    n.disable_api_termination = row.disable_api_termination,
    n.instance_initiated_shutdown_behavior = row.instance_initiated_shutdown_behavior,
    n.security_group_ids = row.security_group_ids,
    n.security_groups = row.security_groups,
    n.region = row.region,
    n.http_tokens = row.http_tokens,
    n.http_endpoint = row.http_endpoint,
    n.http_put_response_hop_limit = row.http_put_response_hop_limit,
    n.associates_public_ip = row.associates_public_ip,
    n.all_ebs_encrypted = row.all_ebs_encrypted,
    n.user_data_sha256 = row.user_data_sha256,
    n.user_data_secret_kinds = row.user_data_secret_kinds,
    n.user_data = row.user_data,
    n.launch_template_data = row.launch_template_data,
    n.lastupdated = $update_tag;
:commit
:begin
UNWIND [
  {id: 'Name:e2e-app', key: 'Name', value: 'e2e-app'},
  {id: '`backtick`:\\u0027 and \\\\u0027', key: '`backtick`', value: '\\u0027 and \\\\u0027'},
  {id: 'a&b<c>:quote \' double " backslash \\ semicolon ; // /* */', key: 'a&b<c>', value: 'quote \' double " backslash \\ semicolon ; // /* */'},
  {id: 'cypher:\'}) MATCH (n) DETACH DELETE n //', key: 'cypher', value: '\'}) MATCH (n) DETACH DELETE n //'},
  {id: 'empty:', key: 'empty', value: ''},
  {id: 'multi-line:line1\nline2\r\nline3\ttabbed', key: 'multi-line', value: 'line1\nline2\r\nline3\ttabbed'},
  {id: 'race:delete-after-list target', key: 'race', value: 'delete-after-list target'},
  {id: 'unicode:éè 中文 \u2028sep\u2029 😀', key: 'unicode', value: 'éè 中文 \u2028sep\u2029 😀'}
] AS row
MERGE (n:AWSTag {id: row.id})
ON CREATE SET n.firstseen = timestamp()
SET n:Tag,
    n.key = row.key,
    n.value = row.value,
    n.lastupdated = $update_tag;
:commit
:begin
UNWIND [
  {from: '111111111111', to: 'lt-0e2e0000000000101'},
  {from: '111111111111', to: 'lt-0e2e0000000000102'},
  {from: '111111111111', to: 'lt-0e2e0000000000103'},
  {from: '111111111111', to: 'lt-0e2e0000000000104'},
  {from: '111111111111', to: 'lt-0e2e0000000000105'},
  {from: '111111111111', to: 'lt-0e2e0000000000106'},
  {from: '111111111111', to: 'lt-0e2e0000000000107'}
] AS row
MATCH (a:AWSAccount {id: row.from})
MATCH (b:AWSLaunchTemplate {id: row.to})
MERGE (a)-[r:RESOURCE]->(b)
ON CREATE SET r.firstseen = timestamp()
SET r.lastupdated = $update_tag;
:commit
:begin
UNWIND [
  {from: '111111111111', to: 'lt-0e2e0000000000101-1'},
  {from: '111111111111', to: 'lt-0e2e0000000000101-2'},
  {from: '111111111111', to: 'lt-0e2e0000000000101-3'},
  {from: '111111111111', to: 'lt-0e2e0000000000101-4'},
  {from: '111111111111', to: 'lt-0e2e0000000000102-1'},
  {from: '111111111111', to: 'lt-0e2e0000000000103-1'},
  {from: '111111111111', to: 'lt-0e2e0000000000103-2'},
  {from: '111111111111', to: 'lt-0e2e0000000000104-1'},
  {from: '111111111111', to: 'lt-0e2e0000000000104-3'},
  {from: '111111111111', to: 'lt-0e2e0000000000104-7'},
  {from: '111111111111', to: 'lt-0e2e0000000000105-1'},
  {from: '111111111111', to: 'lt-0e2e0000000000105-2'},
  {from: '111111111111', to: 'lt-0e2e0000000000106-1'},
  {from: '111111111111', to: 'lt-0e2e0000000000107-1'},
  {from: '111111111111', to: 'lt-0e2e0000000000107-2'},
  {from: '111111111111', to: 'lt-0e2e0000000000107-3'}
] AS row
MATCH (a:AWSAccount {id: row.from})
MATCH (b:AWSLaunchTemplateVersion {id: row.to})
MERGE (a)-[r:RESOURCE]->(b)
ON CREATE SET r.firstseen = timestamp()
SET r.lastupdated = $update_tag;
:commit
:begin
UNWIND [
  {from: 'lt-0e2e0000000000101', to: 'lt-0e2e0000000000101-1'},
  {from: 'lt-0e2e0000000000101', to: 'lt-0e2e0000000000101-2'},
  {from: 'lt-0e2e0000000000101', to: 'lt-0e2e0000000000101-3'},
  {from: 'lt-0e2e0000000000101', to: 'lt-0e2e0000000000101-4'},
  {from: 'lt-0e2e0000000000102', to: 'lt-0e2e0000000000102-1'},
  {from: 'lt-0e2e0000000000103', to: 'lt-0e2e0000000000103-1'},
  {from: 'lt-0e2e0000000000103', to: 'lt-0e2e0000000000103-2'},
  {from: 'lt-0e2e0000000000104', to: 'lt-0e2e0000000000104-1'},
  {from: 'lt-0e2e0000000000104', to: 'lt-0e2e0000000000104-3'},
  {from: 'lt-0e2e0000000000104', to: 'lt-0e2e0000000000104-7'},
  {from: 'lt-0e2e0000000000105', to: 'lt-0e2e0000000000105-1'},
  {from: 'lt-0e2e0000000000105', to: 'lt-0e2e0000000000105-2'},
  {from: 'lt-0e2e0000000000106', to: 'lt-0e2e0000000000106-1'},
  {from: 'lt-0e2e0000000000107', to: 'lt-0e2e0000000000107-1'},
  {from: 'lt-0e2e0000000000107', to: 'lt-0e2e0000000000107-2'},
  {from: 'lt-0e2e0000000000107', to: 'lt-0e2e0000000000107-3'}
] AS row
MATCH (a:AWSLaunchTemplate {id: row.from})
MATCH (b:AWSLaunchTemplateVersion {id: row.to})
MERGE (a)-[r:VERSION]->(b)
ON CREATE SET r.firstseen = timestamp()
SET r.lastupdated = $update_tag;
:commit
:begin
UNWIND [
  {from: 'lt-0e2e0000000000101', to: 'Name:e2e-app'},
  {from: 'lt-0e2e0000000000103', to: 'race:delete-after-list target'},
  {from: 'lt-0e2e0000000000106', to: '`backtick`:\\u0027 and \\\\u0027'},
  {from: 'lt-0e2e0000000000106', to: 'a&b<c>:quote \' double " backslash \\ semicolon ; // /* */'},
  {from: 'lt-0e2e0000000000106', to: 'cypher:\'}) MATCH (n) DETACH DELETE n //'},
  {from: 'lt-0e2e0000000000106', to: 'empty:'},
  {from: 'lt-0e2e0000000000106', to: 'multi-line:line1\nline2\r\nline3\ttabbed'},
  {from: 'lt-0e2e0000000000106', to: 'unicode:éè 中文 \u2028sep\u2029 😀'}
] AS row
MATCH (a:AWSLaunchTemplate {id: row.from})
MATCH (b:AWSTag {id: row.to})
MERGE (a)-[r:TAGGED]->(b)
ON CREATE SET r.firstseen = timestamp()
SET r.lastupdated = $update_tag;
:commit
:begin
UNWIND [
  {account_id: '111111111111', regions: ['us-east-1']}
] AS scope
MATCH (:AWSAccount {id: scope.account_id})-[:RESOURCE]->(n:AWSLaunchTemplateVersion)
WHERE n.region IN scope.regions AND n.lastupdated <> $update_tag
DETACH DELETE n;
UNWIND [
  {account_id: '111111111111', regions: ['us-east-1']}
] AS scope
MATCH (:AWSAccount {id: scope.account_id})-[:RESOURCE]->(n:AWSLaunchTemplate)
WHERE n.region IN scope.regions AND n.lastupdated <> $update_tag
DETACH DELETE n;
UNWIND [
  {account_id: '111111111111', regions: ['us-east-1']}
] AS scope
MATCH (:AWSAccount {id: scope.account_id})-[r:RESOURCE]->(n:AWSLaunchTemplateVersion)
WHERE n.region IN scope.regions AND r.lastupdated <> $update_tag
DELETE r;
UNWIND [
  {account_id: '111111111111', regions: ['us-east-1']}
] AS scope
MATCH (:AWSAccount {id: scope.account_id})-[r:RESOURCE]->(n:AWSLaunchTemplate)
WHERE n.region IN scope.regions AND r.lastupdated <> $update_tag
DELETE r;
UNWIND [
  {account_id: '111111111111', regions: ['us-east-1']}
] AS scope
MATCH (:AWSAccount {id: scope.account_id})-[:RESOURCE]->(v:AWSLaunchTemplateVersion)<-[r:VERSION]-(:AWSLaunchTemplate)
WHERE v.region IN scope.regions AND r.lastupdated <> $update_tag
DELETE r;
UNWIND [
  {account_id: '111111111111', regions: ['us-east-1']}
] AS scope
MATCH (:AWSAccount {id: scope.account_id})-[:RESOURCE]->(t:AWSLaunchTemplate)-[r:TAGGED]->(:AWSTag)
WHERE t.region IN scope.regions AND r.lastupdated <> $update_tag
DELETE r;
:commit
