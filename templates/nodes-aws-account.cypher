UNWIND {{rows}} AS row
MERGE (n:AWSAccount {id: row.id})
ON CREATE SET n.firstseen = timestamp()
SET n:Tenant,
    n.lastupdated = $update_tag;
