{#- The change-tracking columns of a model fed by a change log, checked in one pass (three
    column tests would read the table three times, each as its own test node):

      - `_is_deleted` is false: a delete's tombstone was removed by the post-hook
        (remove_tombstones), or left out by a full build;
      - `_change_op` is r (initial load), c or u: a delete leaves no row;
      - `_changed_at` is set.

    Fails with every row that breaks one, `problem` saying which (the first that applies). -#}
{% test change_columns(model) %}
    {{ rows_with_a_problem(model, [
        ('_is_deleted is null or _is_deleted', 'a tombstone (_is_deleted) is left in the table'),
        ("_change_op is null or _change_op not in ('r', 'c', 'u')", '_change_op is not r, c or u'),
        ('_changed_at is null', '_changed_at is null'),
    ]) }}
{% endtest %}
