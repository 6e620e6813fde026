{#- A deterministic surrogate key: a bigint, the low 60 bits of the md5 of the fields joined
    with '-', nulls replaced by a marker so (null, 'a') and ('a', null) differ. The md5 is read
    as a little-endian number (DuckDB's md5_number), so every engine gives the same key for the
    same fields, and the key is always positive (the unknown member is -1).

    An integer key is 8 bytes against the 32 characters of an md5 text: facts of millions of
    rows carry several, and every join, unique and relationships test on them is cheaper.
    60 bits make a collision between two of n keys about n^2 / 2^61 likely: 1 in 20,000 for
    ten million keys, and the unique tests on every key would report it. -#}
{% macro surrogate_key(fields) -%}
    {%- set parts = [] -%}
    {%- for field in fields -%}
        {%- do parts.append(
            "coalesce(cast(" ~ field ~ " as " ~ dbt.type_string() ~ "), '_fsi_null_')"
        ) -%}
        {%- if not loop.last %}{% do parts.append("'-'") %}{% endif -%}
    {%- endfor -%}
    {{ adapter.dispatch('md5_key', 'fsi_analytics')(dbt.concat(parts)) }}
{%- endmacro %}


{#- The low 60 bits of md5(text) read little-endian, as a bigint. -#}
{% macro default__md5_key(text) -%}
    {{ exceptions.raise_compiler_error(
        "surrogate_key has no implementation for the " ~ target.type ~ " adapter: add "
        ~ target.type ~ "__md5_key to macros/surrogate_key.sql (the low 60 bits of the md5, "
        ~ "read little-endian, as a bigint; see duckdb__md5_key and spark__md5_key)"
    ) }}
{%- endmacro %}


{% macro duckdb__md5_key(text) -%}
    cast(md5_number({{ text }}) & cast(1152921504606846975 as uhugeint) as bigint)
{%- endmacro %}


{#- Bytes 0..7 of the digest, most significant first (byte 7 keeps its low nibble), as hex. -#}
{% macro spark__md5_key(text) -%}
    {%- set digest = "md5(" ~ text ~ ")" -%}
    {%- set parts = ["substr(" ~ digest ~ ", 16, 1)"] -%}
    {%- for start in [13, 11, 9, 7, 5, 3, 1] -%}
        {%- do parts.append("substr(" ~ digest ~ ", " ~ start ~ ", 2)") -%}
    {%- endfor -%}
    cast(conv(concat({{ parts | join(', ') }}), 16, 10) as bigint)
{%- endmacro %}


{#- The key of a dimension's unknown member: facts point here when their dimension row is
    missing (deleted, late or never loaded), so no fact row is ever lost in a join. -#}
{% macro unknown_key() -%}
    cast(-1 as bigint)
{%- endmacro %}
