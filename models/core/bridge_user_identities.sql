{#- One row per source identity of a person (a Salesforce user, contact or lead, a bank
    customer, or a Marketo lead), mapped to the person's user_key. Identities match on normalised email; one without
    an email stays a person of its own. Each row carries the attributes its record offers, for
    dim_users to choose from. -#}
with

salesforce_users as (

    select
        user_id,
        normalized_email,
        first_name,
        last_name,
        country,
        last_modified_at
    from {{ ref('stg_salesforce__users') }}

),

salesforce_contacts as (

    select
        contact_id,
        account_id,
        normalized_email,
        first_name,
        last_name,
        mailing_country,
        last_modified_at
    from {{ ref('stg_salesforce__contacts') }}

),

salesforce_leads as (

    select
        lead_id,
        converted_account_id,
        normalized_email,
        first_name,
        last_name,
        country,
        last_modified_at
    from {{ ref('stg_salesforce__leads') }}

),

bank_customers as (

    select
        customer_id,
        normalized_email,
        first_name,
        last_name,
        updated_at
    from {{ ref('stg_core_banking__customers') }}

),

marketo_leads as (

    select
        lead_id,
        normalized_email,
        first_name,
        last_name,
        country,
        updated_at
    from {{ ref('stg_marketo__leads') }}

),

identities as (

    select
        'salesforce_user' as source_system,
        1 as source_precedence,
        user_id as source_record_id,
        normalized_email,
        first_name,
        last_name,
        country,
        cast(null as {{ dbt.type_string() }}) as account_id,
        last_modified_at as source_updated_at
    from salesforce_users

    union all

    select
        'bank_customer' as source_system,
        2 as source_precedence,
        cast(customer_id as {{ dbt.type_string() }}) as source_record_id,
        normalized_email,
        first_name,
        last_name,
        cast(null as {{ dbt.type_string() }}) as country,
        cast(null as {{ dbt.type_string() }}) as account_id,
        updated_at as source_updated_at
    from bank_customers

    union all

    select
        'salesforce_contact' as source_system,
        3 as source_precedence,
        contact_id as source_record_id,
        normalized_email,
        first_name,
        last_name,
        mailing_country as country,
        account_id,
        last_modified_at as source_updated_at
    from salesforce_contacts

    union all

    select
        'salesforce_lead' as source_system,
        4 as source_precedence,
        lead_id as source_record_id,
        normalized_email,
        first_name,
        last_name,
        country,
        converted_account_id as account_id,
        last_modified_at as source_updated_at
    from salesforce_leads

    union all

    select
        'marketo_lead' as source_system,
        5 as source_precedence,
        cast(lead_id as {{ dbt.type_string() }}) as source_record_id,
        normalized_email,
        first_name,
        last_name,
        country,
        cast(null as {{ dbt.type_string() }}) as account_id,
        updated_at as source_updated_at
    from marketo_leads

),

resolved as (

    select
        *,
        coalesce(
            normalized_email,
            {{ dbt.concat(['source_system', "':'", 'source_record_id']) }}
        ) as person_id
    from identities

),

final as (

    select
        {{ surrogate_key(['source_system', 'source_record_id']) }} as identity_key,
        {{ surrogate_key(['person_id']) }} as user_key,
        source_system,
        source_record_id,
        source_precedence,
        normalized_email,
        first_name,
        last_name,
        country,
        account_id,
        source_updated_at
    from resolved

)

select * from final
