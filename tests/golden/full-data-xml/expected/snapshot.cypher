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
  {id: '210987654321'}
] AS row
MERGE (n:AWSAccount {id: row.id})
ON CREATE SET n.firstseen = timestamp()
SET n:Tenant,
    n.lastupdated = $update_tag;
:commit
:begin
UNWIND [
  {id: 'lt-0f1e2d3c4b5a69788', launch_template_id: 'lt-0f1e2d3c4b5a69788', name: 'everything-set', create_time: '1762179316', created_by: 'arn:aws:iam::210987654321:role/platform-admin', default_version_number: 7, latest_version_number: 7, region: 'eu-central-1'}
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
  {id: 'lt-0f1e2d3c4b5a69788-7', launch_template_id: 'lt-0f1e2d3c4b5a69788', name: 'everything-set', create_time: '1766599200', created_by: 'arn:aws:iam::210987654321:role/platform-admin', default_version: true, version_number: 7, version_description: 'every member of ResponseLaunchTemplateData', kernel_id: 'aki-88aa75e1', ebs_optimized: true, iam_instance_profile_arn: 'arn:aws:iam::210987654321:instance-profile/everything', iam_instance_profile_name: 'everything', image_id: 'ami-0123456789abcdef0', instance_type: 'm7i.2xlarge', key_name: 'everything-key', monitoring_enabled: true, ramdisk_id: 'ari-a51cf9cc', disable_api_termination: true, instance_initiated_shutdown_behavior: 'terminate', security_group_ids: ['sg-03333333333333333', 'sg-01111111111111111', 'sg-02222222222222222'], security_groups: ['default', 'everything-sg'], region: 'eu-central-1', http_tokens: 'required', http_endpoint: 'enabled', http_put_response_hop_limit: 2, associates_public_ip: true, all_ebs_encrypted: true, user_data_sha256: 'b64652bafec33c60777003bbe5301d036c0bf3d622320ab7060352d94e623b62', launch_template_data: '{"BlockDeviceMappings":[{"DeviceName":"/dev/xvda","Ebs":{"DeleteOnTermination":true,"Encrypted":true,"Iops":6000,"KmsKeyId":"arn:aws:kms:eu-central-1:210987654321:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d","SnapshotId":"snap-0123456789abcdef0","Throughput":500,"VolumeSize":100,"VolumeType":"gp3"}},{"DeviceName":"/dev/sdb","VirtualName":"ephemeral0"},{"DeviceName":"/dev/sdc","NoDevice":""}],"CapacityReservationSpecification":{"CapacityReservationPreference":"open","CapacityReservationTarget":{"CapacityReservationId":"cr-0123456789abcdef0","CapacityReservationResourceGroupArn":"arn:aws:resource-groups:eu-central-1:210987654321:group/crs"}},"CpuOptions":{"CoreCount":4,"ThreadsPerCore":2},"CreditSpecification":{"CpuCredits":"standard"},"DisableApiStop":true,"DisableApiTermination":true,"EbsOptimized":true,"ElasticGpuSpecifications":[{"Type":"eg1.medium"}],"ElasticInferenceAccelerators":[{"Count":1,"Type":"eia2.medium"}],"EnclaveOptions":{"Enabled":false},"HibernationOptions":{"Configured":true},"IamInstanceProfile":{"Arn":"arn:aws:iam::210987654321:instance-profile/everything","Name":"everything"},"ImageId":"ami-0123456789abcdef0","InstanceInitiatedShutdownBehavior":"terminate","InstanceMarketOptions":{"MarketType":"spot","SpotOptions":{"BlockDurationMinutes":120,"InstanceInterruptionBehavior":"stop","MaxPrice":"0.5000","SpotInstanceType":"persistent","ValidUntil":"2026-06-30T23:59:59.000Z"}},"InstanceRequirements":{"AcceleratorCount":{"Max":2,"Min":0},"AcceleratorManufacturers":["nvidia"],"AcceleratorNames":["a10g","t4"],"AcceleratorTotalMemoryMiB":{"Max":49152,"Min":16384},"AcceleratorTypes":["gpu","inference"],"AllowedInstanceTypes":["m7i.*","g5.*"],"BareMetal":"excluded","BaselineEbsBandwidthMbps":{"Max":10000,"Min":1000},"BurstablePerformance":"excluded","CpuManufacturers":["intel","amd"],"ExcludedInstanceTypes":["t2.*","m4.large"],"InstanceGenerations":["current"],"LocalStorage":"included","LocalStorageTypes":["ssd"],"MemoryGiBPerVCpu":{"Max":8.5,"Min":2},"MemoryMiB":{"Max":65536,"Min":8192},"NetworkBandwidthGbps":{"Max":50,"Min":12.5},"NetworkInterfaceCount":{"Max":4,"Min":1},"OnDemandMaxPricePercentageOverLowestPrice":20,"RequireHibernateSupport":true,"SpotMaxPricePercentageOverLowestPrice":100,"TotalLocalStorageGB":{"Max":1900.25,"Min":0.5},"VCpuCount":{"Max":16,"Min":4}},"InstanceType":"m7i.2xlarge","KernelId":"aki-88aa75e1","KeyName":"everything-key","LicenseSpecifications":[{"LicenseConfigurationArn":"arn:aws:license-manager:eu-central-1:210987654321:license-configuration:lic-0123456789abcdef0123456789abcdef"}],"MaintenanceOptions":{"AutoRecovery":"default"},"MetadataOptions":{"HttpEndpoint":"enabled","HttpProtocolIpv6":"enabled","HttpPutResponseHopLimit":2,"HttpTokens":"required","InstanceMetadataTags":"enabled","State":"applied"},"Monitoring":{"Enabled":true},"NetworkInterfaces":[{"AssociateCarrierIpAddress":false,"AssociatePublicIpAddress":true,"DeleteOnTermination":true,"Description":"primary interface","DeviceIndex":0,"Groups":["sg-01111111111111111","sg-02222222222222222"],"InterfaceType":"interface","Ipv4PrefixCount":1,"Ipv4Prefixes":[{"Ipv4Prefix":"10.0.1.32/28"}],"Ipv6AddressCount":1,"Ipv6Addresses":[{"Ipv6Address":"2001:db8:1234:1a00::123"}],"Ipv6PrefixCount":1,"Ipv6Prefixes":[{"Ipv6Prefix":"2001:db8:1234:1a00:9::/80"}],"NetworkCardIndex":0,"NetworkInterfaceId":"eni-0abcdef0123456789","PrivateIpAddress":"10.0.1.10","PrivateIpAddresses":[{"Primary":true,"PrivateIpAddress":"10.0.1.10"},{"Primary":false,"PrivateIpAddress":"10.0.1.11"}],"SecondaryPrivateIpAddressCount":1,"SubnetId":"subnet-0fedcba9876543210"}],"Placement":{"Affinity":"default","AvailabilityZone":"eu-central-1a","GroupId":"pg-0123456789abcdef0","GroupName":"everything-pg","HostId":"h-0123456789abcdef0","HostResourceGroupArn":"arn:aws:resource-groups:eu-central-1:210987654321:group/hosts","PartitionNumber":3,"SpreadDomain":"rack","Tenancy":"dedicated"},"PrivateDnsNameOptions":{"EnableResourceNameDnsAAAARecord":false,"EnableResourceNameDnsARecord":true,"HostnameType":"resource-name"},"RamDiskId":"ari-a51cf9cc","SecurityGroupIds":["sg-03333333333333333"],"SecurityGroups":["default","everything-sg"],"TagSpecifications":[{"ResourceType":"instance","Tags":[{"Key":"Name","Value":"everything"},{"Key":"owner","Value":"platform"}]},{"ResourceType":"network-interface","Tags":[{"Key":"eni","Value":"primary"}]}]}'}
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
  {id: 'purpose:full-data fixture', key: 'purpose', value: 'full-data fixture'}
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
  {from: '210987654321', to: 'lt-0f1e2d3c4b5a69788'}
] AS row
MATCH (a:AWSAccount {id: row.from})
MATCH (b:AWSLaunchTemplate {id: row.to})
MERGE (a)-[r:RESOURCE]->(b)
ON CREATE SET r.firstseen = timestamp()
SET r.lastupdated = $update_tag;
:commit
:begin
UNWIND [
  {from: '210987654321', to: 'lt-0f1e2d3c4b5a69788-7'}
] AS row
MATCH (a:AWSAccount {id: row.from})
MATCH (b:AWSLaunchTemplateVersion {id: row.to})
MERGE (a)-[r:RESOURCE]->(b)
ON CREATE SET r.firstseen = timestamp()
SET r.lastupdated = $update_tag;
:commit
:begin
UNWIND [
  {from: 'lt-0f1e2d3c4b5a69788', to: 'lt-0f1e2d3c4b5a69788-7'}
] AS row
MATCH (a:AWSLaunchTemplate {id: row.from})
MATCH (b:AWSLaunchTemplateVersion {id: row.to})
MERGE (a)-[r:VERSION]->(b)
ON CREATE SET r.firstseen = timestamp()
SET r.lastupdated = $update_tag;
:commit
:begin
UNWIND [
  {from: 'lt-0f1e2d3c4b5a69788', to: 'purpose:full-data fixture'}
] AS row
MATCH (a:AWSLaunchTemplate {id: row.from})
MATCH (b:AWSTag {id: row.to})
MERGE (a)-[r:TAGGED]->(b)
ON CREATE SET r.firstseen = timestamp()
SET r.lastupdated = $update_tag;
:commit
:begin
UNWIND [
  {account_id: '210987654321', regions: ['eu-central-1']}
] AS scope
MATCH (:AWSAccount {id: scope.account_id})-[:RESOURCE]->(n:AWSLaunchTemplateVersion)
WHERE n.region IN scope.regions AND n.lastupdated <> $update_tag
DETACH DELETE n;
UNWIND [
  {account_id: '210987654321', regions: ['eu-central-1']}
] AS scope
MATCH (:AWSAccount {id: scope.account_id})-[:RESOURCE]->(n:AWSLaunchTemplate)
WHERE n.region IN scope.regions AND n.lastupdated <> $update_tag
DETACH DELETE n;
UNWIND [
  {account_id: '210987654321', regions: ['eu-central-1']}
] AS scope
MATCH (:AWSAccount {id: scope.account_id})-[r:RESOURCE]->(n:AWSLaunchTemplateVersion)
WHERE n.region IN scope.regions AND r.lastupdated <> $update_tag
DELETE r;
UNWIND [
  {account_id: '210987654321', regions: ['eu-central-1']}
] AS scope
MATCH (:AWSAccount {id: scope.account_id})-[r:RESOURCE]->(n:AWSLaunchTemplate)
WHERE n.region IN scope.regions AND r.lastupdated <> $update_tag
DELETE r;
UNWIND [
  {account_id: '210987654321', regions: ['eu-central-1']}
] AS scope
MATCH (:AWSAccount {id: scope.account_id})-[:RESOURCE]->(v:AWSLaunchTemplateVersion)<-[r:VERSION]-(:AWSLaunchTemplate)
WHERE v.region IN scope.regions AND r.lastupdated <> $update_tag
DELETE r;
UNWIND [
  {account_id: '210987654321', regions: ['eu-central-1']}
] AS scope
MATCH (:AWSAccount {id: scope.account_id})-[:RESOURCE]->(t:AWSLaunchTemplate)-[r:TAGGED]->(:AWSTag)
WHERE t.region IN scope.regions AND r.lastupdated <> $update_tag
DELETE r;
:commit
