-- Nothing is lost between the claims system and the warehouse: every claim received is in
-- fct_claims or in quarantine, never both, never neither. Returns the claims that break this.
-- (Deleted claims are neither; a change record the loader rejected is quarantined with its
-- batch and leaves the claim itself as it was, so it is not counted here.)
{{ config(meta={'dagster': {'ref': {'name': 'fct_claims'}}}) }}

with

received as (

    select claim_no
    from {{ ref('stg_claims__claims') }}
    where not _is_deleted

),

analysed as (

    select claim_no
    from {{ ref('fct_claims') }}

),

quarantined as (

    select record_key as claim_no
    from {{ ref('quarantined_records') }}
    where source_name = 'claims' and source_table = 'claims' and batch_id is null

)

select
    received.claim_no,
    analysed.claim_no is not null as is_analysed,
    quarantined.claim_no is not null as is_quarantined
from received
left join analysed
    on received.claim_no = analysed.claim_no
left join quarantined
    on received.claim_no = quarantined.claim_no
where (analysed.claim_no is null) = (quarantined.claim_no is null)
