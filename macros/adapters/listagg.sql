{#- dbt-spark's listagg ignores the order (with a warning), so the list came out in whatever
    order Spark collected it. Here the values are collected with their sort keys, sorted and
    joined: `order by a, b` sorts by a, then b, ascending (descending keys raise an error). -#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if not order_by_clause -%}
        {{ dbt.spark__listagg(measure, delimiter_text, order_by_clause, limit_num) }}
    {%- else -%}
        {%- set keys = order_by_clause.strip()[8:].split(',') | map('trim') | list -%}
        {%- if order_by_clause.strip()[:8] | lower != 'order by' -%}
            {%- do exceptions.raise_compiler_error("listagg: expected 'order by ...', got " ~ order_by_clause) -%}
        {%- endif -%}
        {%- set sort_keys = [] -%}
        {%- for key in keys -%}
            {%- if (key | lower).endswith(' desc') -%}
                {%- do exceptions.raise_compiler_error("listagg on Spark sorts ascending only: " ~ order_by_clause) -%}
            {%- endif -%}
            {%- do sort_keys.append(key[:-4] if (key | lower).endswith(' asc') else key) -%}
        {%- endfor -%}
        {%- set sorted -%}
            transform(
                array_sort(collect_list(struct(
                    {%- for key in sort_keys %}{{ key }} as _k{{ loop.index }}, {% endfor -%}
                    {{ measure }} as _value
                ))),
                entry -> entry._value
            )
        {%- endset -%}
        array_join(
            {%- if limit_num %}slice({{ sorted }}, 1, {{ limit_num }}){% else %}{{ sorted }}{% endif -%},
            {{ delimiter_text }}
        )
    {%- endif -%}
{%- endmacro %}
