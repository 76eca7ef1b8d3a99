UNWIND {{rows}} AS row
MERGE (n:AWSTag {id: row.id})
ON CREATE SET n.firstseen = timestamp()
SET n:Tag,
    n.key = row.key,
    n.value = row.value,
    n.lastupdated = $update_tag;
