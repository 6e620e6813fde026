{#- Premium earned per valid policy and month. -#}
with

premiums as (

    select * from {{ ref('stg_claims__premiums') }}

),

policies as (

    select
        policy_no,
        policy_key
    from {{ ref('dim_policies') }}
    where not is_unknown_member

),

final as (

    select
        policies.policy_key,
        premiums.policy_no,
        premiums.premium_month,
        premiums.earned_premium
    from premiums
    inner join policies
        on premiums.policy_no = policies.policy_no

)

select * from final
