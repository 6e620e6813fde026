{#- A deterministic surrogate key: the md5 of the fields joined with '-', nulls replaced
    by a marker so (null, 'a') and ('a', null) differ. Same shape as dbt_utils'
    generate_surrogate_key, built on dbt's cross-database macros. -#}
{% macro surrogate_key(fields) -%}
    {%- set parts = [] -%}
    {%- for field in fields -%}
        {%- do parts.append(
            "coalesce(cast(" ~ field ~ " as " ~ dbt.type_string() ~ "), '_fsi_null_')"
        ) -%}
        {%- if not loop.last %}{% do parts.append("'-'") %}{% endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}


{#- The key of a dimension's unknown member: facts point here when their dimension row is
    missing (deleted, late or never loaded), so no fact row is ever lost in a join. -#}
{% macro unknown_key() -%}
    '-1'
{%- endmacro %}
