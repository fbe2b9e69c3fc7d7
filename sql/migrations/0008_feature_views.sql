-- 0008 feature views: the views moved to sql/source/06_views.sql, where they are
-- re-applied on every upgrade. The version stays so that databases which recorded it
-- see an unchanged list.

