{#- The next best offer for each activity of a known customer: the first rule of
    seeds/reference/offer_rules.csv (in rule_priority order) whose income, fico and propensity
    bounds all hold. Activities of unknown customers get no offer (they are counted in
    data_quality_counts). -#}
with

activities as (

    select
        activity_id,
        customer_key,
        activity_type,
        propensity_to_buy,
        activity_at
    from {{ ref('fct_customer_activities') }}
    where is_known_customer

),

customers as (

    select
        customer_key,
        customer_id,
        user_key,
        income,
        fico
    from {{ ref('dim_customers') }}

),

rules as (

    select * from {{ ref('offer_rules') }}

),

candidates as (

    select
        activities.activity_id,
        rules.rule_priority,
        rules.rule_name,
        rules.offer_id,
        row_number() over (
            partition by activities.activity_id
            order by rules.rule_priority asc
        ) as match_rank
    from activities
    inner join customers
        on activities.customer_key = customers.customer_key
    inner join rules
        on
            coalesce({{ within_bounds('customers.income', 'rules', 'income') }}, false)
            and coalesce({{ within_bounds('customers.fico', 'rules', 'fico') }}, false)
            and coalesce(
                {{ within_bounds('activities.propensity_to_buy', 'rules', 'propensity') }}, false
            )

),

final as (

    select
        activities.activity_id,
        activities.customer_key,
        customers.customer_id,
        customers.user_key,
        activities.activity_type,
        activities.propensity_to_buy,
        customers.income,
        customers.fico,
        candidates.rule_priority,
        candidates.rule_name,
        candidates.offer_id,
        activities.activity_at
    from activities
    inner join customers
        on activities.customer_key = customers.customer_key
    left join candidates
        on
            activities.activity_id = candidates.activity_id
            and candidates.match_rank = 1

)

select * from final
