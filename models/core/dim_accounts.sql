with

accounts as (

    select * from {{ ref('stg_salesforce__accounts') }}

),

countries as (

    select
        country_alias,
        country_code,
        country_name,
        region
    from {{ ref('country_aliases') }}

),

owners as (

    select
        source_record_id as user_id,
        user_key
    from {{ ref('bridge_user_identities') }}
    where source_system = 'salesforce_user'

),

known_accounts as (

    select
        {{ surrogate_key(['accounts.account_id']) }} as account_key,
        accounts.account_id,
        accounts.account_name,
        accounts.account_type,
        accounts.industry,
        countries.country_code,
        coalesce(countries.country_name, 'Unknown') as country_name,
        coalesce(countries.region, 'Unknown') as region,
        accounts.billing_city,
        accounts.annual_revenue,
        accounts.number_of_employees,
        coalesce(owners.user_key, {{ unknown_key() }}) as owner_user_key,
        accounts.owner_user_id,
        accounts.created_at,
        false as is_unknown_member
    from accounts
    left join countries
        on lower(accounts.billing_country) = lower(countries.country_alias)
    left join owners
        on accounts.owner_user_id = owners.user_id

),

unknown_member as (

    select
        {{ unknown_key() }} as account_key,
        cast(null as {{ dbt.type_string() }}) as account_id,
        'Unknown account' as account_name,
        cast(null as {{ dbt.type_string() }}) as account_type,
        cast(null as {{ dbt.type_string() }}) as industry,
        cast(null as {{ dbt.type_string() }}) as country_code,
        'Unknown' as country_name,
        'Unknown' as region,
        cast(null as {{ dbt.type_string() }}) as billing_city,
        cast(null as decimal(18, 2)) as annual_revenue,
        cast(null as {{ dbt.type_bigint() }}) as number_of_employees,
        {{ unknown_key() }} as owner_user_key,
        cast(null as {{ dbt.type_string() }}) as owner_user_id,
        cast(null as {{ dbt.type_timestamp() }}) as created_at,
        true as is_unknown_member

),

with_unknown_member as (

    select * from known_accounts
    union all
    select * from unknown_member

),

final as (

    select
        account_key,
        account_id,
        account_name,
        account_type,
        industry,
        country_code,
        country_name,
        region,
        billing_city,
        annual_revenue,
        number_of_employees,
        owner_user_key,
        owner_user_id,
        created_at,
        is_unknown_member
    from with_unknown_member

)

select * from final
