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
  {id: 'lt-0a1b2c3d4e5f60001', launch_template_id: 'lt-0a1b2c3d4e5f60001', name: 'web-server', create_time: '1634020072', created_by: 'arn:aws:iam::123456789012:user/alice', default_version_number: 4, latest_version_number: 4, region: 'us-east-1'},
  {id: 'lt-0a1b2c3d4e5f60006', launch_template_id: 'lt-0a1b2c3d4e5f60006', name: 'api-gateway', create_time: '1714550400', created_by: 'arn:aws:iam::123456789012:user/carol', default_version_number: 1, latest_version_number: 1, region: 'us-east-1'}
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
  {id: 'lt-0a1b2c3d4e5f60001-2', launch_template_id: 'lt-0a1b2c3d4e5f60001', name: 'web-server', create_time: '1656590400', created_by: 'arn:aws:iam::123456789012:user/alice', default_version: false, version_number: 2, version_description: 'IMDSv2 only', iam_instance_profile_arn: 'arn:aws:iam::123456789012:instance-profile/web-server', image_id: 'ami-0c55b159cbfafe1f0', instance_type: 't3.medium', key_name: 'web-key', monitoring_enabled: false, security_group_ids: ['sg-0123456789abcdef0'], region: 'us-east-1', http_tokens: 'optional', http_endpoint: 'enabled', http_put_response_hop_limit: 1, all_ebs_encrypted: true, user_data_sha256: '31e06fd4e93474bec10bfb6861319cc401af96ddfcac62707dde693028fb21b1', launch_template_data: '{"BlockDeviceMappings":[{"DeviceName":"/dev/xvda","Ebs":{"DeleteOnTermination":true,"Encrypted":true,"VolumeSize":20,"VolumeType":"gp3"}}],"IamInstanceProfile":{"Arn":"arn:aws:iam::123456789012:instance-profile/web-server"},"ImageId":"ami-0c55b159cbfafe1f0","InstanceType":"t3.medium","KeyName":"web-key","MetadataOptions":{"HttpEndpoint":"enabled","HttpPutResponseHopLimit":1,"HttpTokens":"optional"},"Monitoring":{"Enabled":false},"SecurityGroupIds":["sg-0123456789abcdef0"]}'},
  {id: 'lt-0a1b2c3d4e5f60001-3', launch_template_id: 'lt-0a1b2c3d4e5f60001', name: 'web-server', create_time: '1676367000', created_by: 'arn:aws:iam::123456789012:user/alice', default_version: false, version_number: 3, version_description: 'switch to m6i', ebs_optimized: true, iam_instance_profile_arn: 'arn:aws:iam::123456789012:instance-profile/web-server', image_id: 'ami-0c55b159cbfafe1f0', instance_type: 'm6i.large', key_name: 'web-key', monitoring_enabled: true, security_group_ids: ['sg-0123456789abcdef0', 'sg-0fedcba9876543210'], region: 'us-east-1', http_tokens: 'required', http_endpoint: 'enabled', http_put_response_hop_limit: 2, all_ebs_encrypted: false, user_data_sha256: '38c4a381ee86b554228735c9e06f7ff2e9ed71f4b77a4c95b2dfd85ded0e5ece', launch_template_data: '{"BlockDeviceMappings":[{"DeviceName":"/dev/xvda","Ebs":{"DeleteOnTermination":true,"Encrypted":false,"Iops":3000,"Throughput":125,"VolumeSize":30,"VolumeType":"gp3"}}],"EbsOptimized":true,"IamInstanceProfile":{"Arn":"arn:aws:iam::123456789012:instance-profile/web-server"},"ImageId":"ami-0c55b159cbfafe1f0","InstanceType":"m6i.large","KeyName":"web-key","MetadataOptions":{"HttpEndpoint":"enabled","HttpPutResponseHopLimit":2,"HttpTokens":"required","InstanceMetadataTags":"enabled"},"Monitoring":{"Enabled":true},"SecurityGroupIds":["sg-0123456789abcdef0","sg-0fedcba9876543210"],"TagSpecifications":[{"ResourceType":"instance","Tags":[{"Key":"Name","Value":"web"}]},{"ResourceType":"volume","Tags":[{"Key":"backup","Value":"daily"}]}]}'},
  {id: 'lt-0a1b2c3d4e5f60001-4', launch_template_id: 'lt-0a1b2c3d4e5f60001', name: 'web-server', create_time: '1717243200', created_by: 'arn:aws:iam::123456789012:user/alice', default_version: true, version_number: 4, version_description: 'bigger', ebs_optimized: true, iam_instance_profile_arn: 'arn:aws:iam::123456789012:instance-profile/web-server', image_id: 'ami-0c55b159cbfafe1f0', instance_type: 'm6i.xlarge', key_name: 'web-key', monitoring_enabled: true, security_group_ids: ['sg-0123456789abcdef0', 'sg-0fedcba9876543210'], region: 'us-east-1', http_tokens: 'required', http_endpoint: 'enabled', http_put_response_hop_limit: 2, all_ebs_encrypted: true, user_data_sha256: '38c4a381ee86b554228735c9e06f7ff2e9ed71f4b77a4c95b2dfd85ded0e5ece', launch_template_data: '{"BlockDeviceMappings":[{"DeviceName":"/dev/xvda","Ebs":{"DeleteOnTermination":true,"Encrypted":true,"Iops":3000,"Throughput":125,"VolumeSize":30,"VolumeType":"gp3"}}],"EbsOptimized":true,"IamInstanceProfile":{"Arn":"arn:aws:iam::123456789012:instance-profile/web-server"},"ImageId":"ami-0c55b159cbfafe1f0","InstanceType":"m6i.xlarge","KeyName":"web-key","MetadataOptions":{"HttpEndpoint":"enabled","HttpPutResponseHopLimit":2,"HttpTokens":"required","InstanceMetadataTags":"enabled"},"Monitoring":{"Enabled":true},"SecurityGroupIds":["sg-0123456789abcdef0","sg-0fedcba9876543210"],"TagSpecifications":[{"ResourceType":"instance","Tags":[{"Key":"Name","Value":"web"}]},{"ResourceType":"volume","Tags":[{"Key":"backup","Value":"daily"}]}]}'},
  {id: 'lt-0a1b2c3d4e5f60002-2', launch_template_id: 'lt-0a1b2c3d4e5f60002', name: 'batch-worker', create_time: '1663231512', created_by: 'arn:aws:sts::123456789012:assumed-role/Deployer/ci-run-5120', default_version: false, version_number: 2, version_description: 'spot\'}) DETACH DELETE n // \u2028 \\\'x', iam_instance_profile_name: 'batch-worker', image_id: 'ami-08d4ac5b634553e16', instance_type: 'c5.large', monitoring_enabled: true, security_group_ids: ['sg-0aaaabbbbccccdddd', 'sg-0eeeeffff00001111'], region: 'us-east-1', associates_public_ip: false, user_data_sha256: 'd3e42edf7dc2e21477f99ae37c27e0ea04209c79d3461a97f54578ac2fd55a5d', launch_template_data: '{"IamInstanceProfile":{"Name":"batch-worker"},"ImageId":"ami-08d4ac5b634553e16","InstanceMarketOptions":{"MarketType":"spot","SpotOptions":{"InstanceInterruptionBehavior":"terminate","MaxPrice":"0.0416","SpotInstanceType":"one-time"}},"InstanceType":"c5.large","Monitoring":{"Enabled":true},"NetworkInterfaces":[{"AssociatePublicIpAddress":false,"DeleteOnTermination":true,"Description":"primary","DeviceIndex":0,"Groups":["sg-0aaaabbbbccccdddd","sg-0eeeeffff00001111"],"Ipv6Addresses":[],"PrivateIpAddresses":[],"SubnetId":"subnet-0123abcd4567ef890"}]}'},
  {id: 'lt-0a1b2c3d4e5f60006-1', launch_template_id: 'lt-0a1b2c3d4e5f60006', name: 'api-gateway', create_time: '1714550400', created_by: 'arn:aws:iam::123456789012:user/carol', default_version: true, version_number: 1, version_description: 'first', image_id: 'ami-0abcdef1234567890', instance_type: 't3.small', security_group_ids: ['sg-0123456789abcdef0'], region: 'us-east-1', http_tokens: 'required', http_endpoint: 'enabled', http_put_response_hop_limit: 1, launch_template_data: '{"ImageId":"ami-0abcdef1234567890","InstanceType":"t3.small","MetadataOptions":{"HttpEndpoint":"enabled","HttpPutResponseHopLimit":1,"HttpTokens":"required"},"SecurityGroupIds":["sg-0123456789abcdef0"]}'}
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
  {id: 'owner:O\'Brien "ops"\n;// */ \\u0027', key: 'owner', value: 'O\'Brien "ops"\n;// */ \\u0027'}
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
  {from: '123456789012', to: 'lt-0a1b2c3d4e5f60006'}
] AS row
MATCH (a:AWSAccount {id: row.from})
MATCH (b:AWSLaunchTemplate {id: row.to})
MERGE (a)-[r:RESOURCE]->(b)
ON CREATE SET r.firstseen = timestamp()
SET r.lastupdated = $update_tag;
:commit
:begin
UNWIND [
  {from: '123456789012', to: 'lt-0a1b2c3d4e5f60001-4'},
  {from: '123456789012', to: 'lt-0a1b2c3d4e5f60006-1'}
] AS row
MATCH (a:AWSAccount {id: row.from})
MATCH (b:AWSLaunchTemplateVersion {id: row.to})
MERGE (a)-[r:RESOURCE]->(b)
ON CREATE SET r.firstseen = timestamp()
SET r.lastupdated = $update_tag;
:commit
:begin
UNWIND [
  {from: 'lt-0a1b2c3d4e5f60001', to: 'lt-0a1b2c3d4e5f60001-4'},
  {from: 'lt-0a1b2c3d4e5f60006', to: 'lt-0a1b2c3d4e5f60006-1'}
] AS row
MATCH (a:AWSLaunchTemplate {id: row.from})
MATCH (b:AWSLaunchTemplateVersion {id: row.to})
MERGE (a)-[r:VERSION]->(b)
ON CREATE SET r.firstseen = timestamp()
SET r.lastupdated = $update_tag;
:commit
:begin
UNWIND [
  {from: 'lt-0a1b2c3d4e5f60001', to: 'env:staging'},
  {from: 'lt-0a1b2c3d4e5f60001', to: 'owner:O\'Brien "ops"\n;// */ \\u0027'},
  {from: 'lt-0a1b2c3d4e5f60006', to: 'env:prod'}
] AS row
MATCH (a:AWSLaunchTemplate {id: row.from})
MATCH (b:AWSTag {id: row.to})
MERGE (a)-[r:TAGGED]->(b)
ON CREATE SET r.firstseen = timestamp()
SET r.lastupdated = $update_tag;
:commit
:begin
UNWIND [
  {id: 'lt-0a1b2c3d4e5f60003', account_id: '123456789012', region: 'us-east-1'}
] AS row
MATCH (v:AWSLaunchTemplateVersion)
WHERE v.id STARTS WITH row.id + '-'
DETACH DELETE v;
UNWIND [
  {id: 'lt-0a1b2c3d4e5f60003', account_id: '123456789012', region: 'us-east-1'}
] AS row
MATCH (n:AWSLaunchTemplate {id: row.id})
DETACH DELETE n;
:commit
:begin
UNWIND [
  {from: 'lt-0a1b2c3d4e5f60001', to: 'env:prod'},
  {from: 'lt-0a1b2c3d4e5f60001', to: 'team:platform'}
] AS row
MATCH (:AWSLaunchTemplate {id: row.from})-[r:TAGGED]->(:AWSTag {id: row.to})
DELETE r;
:commit
:begin
UNWIND [
  {id: 'lt-0a1b2c3d4e5f60003-1'},
  {id: 'lt-0a1b2c3d4e5f60004-4'}
] AS row
MATCH (n:AWSLaunchTemplateVersion {id: row.id})
DETACH DELETE n;
:commit
:begin
UNWIND [
  {id: 'lt-0a1b2c3d4e5f60004'}
] AS row
MATCH (n:AWSLaunchTemplate {id: row.id})
DETACH DELETE n;
:commit
:begin
UNWIND [
  {id: 'Name:gpu-trainer'},
  {id: 'team:platform'}
] AS row
MATCH (n:AWSTag {id: row.id})
WHERE NOT EXISTS { (n)<-[:TAGGED]-() }
DETACH DELETE n;
:commit
