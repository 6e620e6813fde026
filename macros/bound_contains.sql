{#- True when every value the `inner` rule accepts on `<prefix>` is also accepted by the
    `outer` rule (bounds as in within_bounds: null = unbounded; *_inclusive null = false). -#}
{% macro bound_contains(outer, inner, prefix) -%}
    (
        (
            {{ outer }}.{{ prefix }}_lower is null
            or (
                {{ inner }}.{{ prefix }}_lower is not null
                and (
                    {{ outer }}.{{ prefix }}_lower < {{ inner }}.{{ prefix }}_lower
                    or (
                        {{ outer }}.{{ prefix }}_lower = {{ inner }}.{{ prefix }}_lower
                        and (
                            coalesce({{ outer }}.{{ prefix }}_lower_inclusive, false)
                            or not coalesce({{ inner }}.{{ prefix }}_lower_inclusive, false)
                        )
                    )
                )
            )
        )
        and (
            {{ outer }}.{{ prefix }}_upper is null
            or (
                {{ inner }}.{{ prefix }}_upper is not null
                and (
                    {{ outer }}.{{ prefix }}_upper > {{ inner }}.{{ prefix }}_upper
                    or (
                        {{ outer }}.{{ prefix }}_upper = {{ inner }}.{{ prefix }}_upper
                        and (
                            coalesce({{ outer }}.{{ prefix }}_upper_inclusive, false)
                            or not coalesce({{ inner }}.{{ prefix }}_upper_inclusive, false)
                        )
                    )
                )
            )
        )
    )
{%- endmacro %}
