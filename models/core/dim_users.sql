{#- One row per person across Salesforce, the bank and Marketo, whatever number of records
    they have in each system: attributes come from the most authoritative record (Salesforce
    user, bank customer, contact, lead, Marketo lead; the most recently updated within a
    system). -#}
with

identities as (

    select * from {{ ref('bridge_user_identities') }}

),

accounts as (

    select
        account_key,
        account_id,
        country_code,
        country_name,
        region
    from {{ ref('dim_accounts') }}
    where not is_unknown_member

),

countries as (

    select
        country_alias,
        country_code,
        country_name,
        region
    from {{ ref('country_aliases') }}

),

identity_attributes as (

    select
        user_key,
        source_system,
        source_record_id,
        normalized_email,
        first_name,
        last_name,
        country,
        account_id,
        row_number() over (
            partition by user_key
            order by
                source_precedence asc,
                source_updated_at desc,
                source_record_id asc
        ) as authority_rank
    from identities

),

identity_rollup as (

    select
        user_key,
        min(case when source_system = 'salesforce_user' then source_record_id end)
            as salesforce_user_id,
        min(case when source_system = 'salesforce_contact' then source_record_id end)
            as salesforce_contact_id,
        min(case when source_system = 'salesforce_lead' then source_record_id end)
            as salesforce_lead_id,
        min(case when source_system = 'marketo_lead' then source_record_id end)
            as marketo_lead_id,
        min(case when source_system = 'bank_customer' then source_record_id end)
            as bank_customer_id,
        count(*) as identity_count,
        count(case when source_system = 'marketo_lead' then 1 end) as marketo_lead_count
    from identity_attributes
    group by user_key

),

most_authoritative as (

    select * from identity_attributes
    where authority_rank = 1

),

account_of_person as (

    -- the most authoritative record that names an account still in Salesforce
    select
        identity_attributes.user_key,
        accounts.account_key,
        accounts.country_code,
        accounts.country_name,
        accounts.region,
        row_number() over (
            partition by identity_attributes.user_key
            order by identity_attributes.authority_rank
        ) as account_rank
    from identity_attributes
    inner join accounts
        on identity_attributes.account_id = accounts.account_id

),

known_users as (

    select
        most_authoritative.user_key,
        most_authoritative.normalized_email,
        most_authoritative.first_name,
        most_authoritative.last_name,
        most_authoritative.source_system as primary_source_system,
        identity_rollup.salesforce_user_id,
        identity_rollup.salesforce_contact_id,
        identity_rollup.salesforce_lead_id,
        identity_rollup.marketo_lead_id,
        identity_rollup.bank_customer_id,
        coalesce(account_of_person.account_key, {{ unknown_key() }}) as account_key,
        coalesce(account_of_person.country_code, countries.country_code) as country_code,
        coalesce(account_of_person.country_name, countries.country_name, 'Unknown')
            as country_name,
        coalesce(account_of_person.region, countries.region, 'Unknown') as region,
        identity_rollup.identity_count,
        identity_rollup.salesforce_user_id is not null as is_salesforce_user,
        (
            identity_rollup.salesforce_contact_id is not null
            or identity_rollup.salesforce_lead_id is not null
        ) as is_in_salesforce,
        identity_rollup.marketo_lead_count > 0 as is_in_marketo,
        identity_rollup.bank_customer_id is not null as is_bank_customer,
        false as is_unknown_member
    from most_authoritative
    inner join identity_rollup
        on most_authoritative.user_key = identity_rollup.user_key
    left join account_of_person
        on
            most_authoritative.user_key = account_of_person.user_key
            and account_of_person.account_rank = 1
    left join countries
        on lower(most_authoritative.country) = lower(countries.country_alias)

),

unknown_member as (

    select
        {{ unknown_key() }} as user_key,
        cast(null as {{ dbt.type_string() }}) as normalized_email,
        'Unknown' as first_name,
        'person' as last_name,
        cast(null as {{ dbt.type_string() }}) as primary_source_system,
        cast(null as {{ dbt.type_string() }}) as salesforce_user_id,
        cast(null as {{ dbt.type_string() }}) as salesforce_contact_id,
        cast(null as {{ dbt.type_string() }}) as salesforce_lead_id,
        cast(null as {{ dbt.type_string() }}) as marketo_lead_id,
        cast(null as {{ dbt.type_string() }}) as bank_customer_id,
        {{ unknown_key() }} as account_key,
        cast(null as {{ dbt.type_string() }}) as country_code,
        'Unknown' as country_name,
        'Unknown' as region,
        cast(0 as {{ dbt.type_bigint() }}) as identity_count,
        false as is_salesforce_user,
        false as is_in_salesforce,
        false as is_in_marketo,
        false as is_bank_customer,
        true as is_unknown_member

),

with_unknown_member as (

    select * from known_users
    union all
    select * from unknown_member

),

final as (

    select
        user_key,
        normalized_email,
        first_name,
        last_name,
        {{ dbt.concat(['first_name', "' '", 'last_name']) }} as full_name,
        primary_source_system,
        salesforce_user_id,
        salesforce_contact_id,
        salesforce_lead_id,
        marketo_lead_id,
        bank_customer_id,
        account_key,
        country_code,
        country_name,
        region,
        identity_count,
        is_salesforce_user,
        is_in_salesforce,
        is_in_marketo,
        is_bank_customer,
        is_unknown_member
    from with_unknown_member

)

select * from final
