{#- One row per person across the bank, Salesforce and Marketo (dim_users: matched on
    normalised email, people in one system only kept), with their banking, email engagement,
    latest offer, lifetime and engagement tier. -#}
with

people as (

    select * from {{ ref('dim_users') }}
    where not is_unknown_member

),

banking as (

    select
        user_key,
        count(*) as bank_customer_records,
        sum(deposit_balance) as deposit_balance,
        sum(credit_card_balance_owed) as credit_card_balance_owed,
        sum(spend_90d) as spend_90d,
        sum(online_transaction_count) as online_transaction_count,
        sum(mobile_transaction_count) as mobile_transaction_count,
        sum(branch_transaction_count) as branch_transaction_count,
        min(first_transaction_at) as first_transaction_at,
        max(last_transaction_at) as last_transaction_at,
        min(first_activity_at) as first_activity_at,
        max(last_activity_at) as last_activity_at
    from {{ ref('int_customer_banking_aggregated') }}
    group by user_key

),

email as (

    select
        user_key,
        count(*) as email_sends,
        {{ count_where('is_opened') }} as email_unique_opens,
        {{ count_where('is_clicked') }} as email_unique_clicks,
        min(sent_at) as first_email_at,
        max(coalesce(first_clicked_at, first_opened_at, sent_at)) as last_email_at
    from {{ ref('int_email_sends_joined_to_engagement') }}
    group by user_key

),

offers_ranked as (

    select
        offered.user_key,
        offered.offer_id,
        offered.activity_at,
        row_number() over (
            partition by offered.user_key
            order by offered.activity_at desc, offered.activity_id desc
        ) as recency_rank
    from {{ ref('int_customer_activities_offered') }} as offered

),

offers as (

    select
        offer_id,
        offer_name
    from {{ ref('dim_offers') }}

),

tiers as (

    select * from {{ ref('engagement_tiers') }}

),

combined as (

    select
        people.user_key,
        people.full_name,
        people.normalized_email,
        people.bank_customer_id,
        people.is_bank_customer,
        people.is_in_salesforce,
        people.is_in_marketo,
        people.is_salesforce_user,
        people.account_key,
        people.country_name,
        banking.deposit_balance,
        banking.credit_card_balance_owed,
        banking.spend_90d,
        coalesce(banking.online_transaction_count, 0) as online_transaction_count,
        coalesce(banking.mobile_transaction_count, 0) as mobile_transaction_count,
        coalesce(banking.branch_transaction_count, 0) as branch_transaction_count,
        coalesce(email.email_sends, 0) as email_sends,
        coalesce(email.email_unique_opens, 0) as email_unique_opens,
        coalesce(email.email_unique_clicks, 0) as email_unique_clicks,
        offers.offer_name as latest_offer_name,
        offers_ranked.activity_at as latest_offer_at,
        {{ least_of([
            'banking.first_transaction_at', 'banking.first_activity_at', 'email.first_email_at',
        ]) }} as first_interaction_at,
        {{ greatest_of([
            'banking.last_transaction_at', 'banking.last_activity_at', 'email.last_email_at',
        ]) }} as last_interaction_at
    from people
    left join banking
        on people.user_key = banking.user_key
    left join email
        on people.user_key = email.user_key
    left join offers_ranked
        on
            people.user_key = offers_ranked.user_key
            and offers_ranked.recency_rank = 1
    left join offers
        on offers_ranked.offer_id = offers.offer_id

),

final as (

    select
        combined.user_key,
        combined.full_name,
        combined.normalized_email,
        combined.bank_customer_id,
        combined.is_bank_customer,
        combined.is_in_salesforce,
        combined.is_in_marketo,
        combined.is_salesforce_user,
        combined.account_key,
        combined.country_name,
        cast(combined.deposit_balance as decimal(18, 2)) as deposit_balance,
        cast(combined.credit_card_balance_owed as decimal(18, 2)) as credit_card_balance_owed,
        cast(combined.spend_90d as decimal(18, 2)) as spend_90d,
        cast(combined.online_transaction_count as {{ dbt.type_bigint() }})
            as online_transaction_count,
        cast(combined.mobile_transaction_count as {{ dbt.type_bigint() }})
            as mobile_transaction_count,
        cast(combined.branch_transaction_count as {{ dbt.type_bigint() }})
            as branch_transaction_count,
        combined.email_sends,
        combined.email_unique_opens,
        combined.email_unique_clicks,
        combined.latest_offer_name,
        combined.latest_offer_at,
        combined.first_interaction_at,
        combined.last_interaction_at,
        cast(
            {{ dbt.datediff('combined.first_interaction_at', 'combined.last_interaction_at', 'day') }}  -- noqa: LT05
            as {{ dbt.type_bigint() }}
        ) as lifetime_days,
        case when combined.is_bank_customer then tiers.engagement_tier end as engagement_tier
    from combined
    left join tiers
        on
            combined.online_transaction_count >= tiers.min_online_transactions
            and (
                tiers.max_online_transactions is null
                or combined.online_transaction_count <= tiers.max_online_transactions
            )

)

select * from final
