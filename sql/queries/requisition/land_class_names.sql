-- name: land_class_names()
-- The GB/T 21010 land classes with their Chinese and English names (the plan page names
-- a frozen result's classes in the reader's language).
SELECT code, name_zh, name_en FROM land_classes ORDER BY code;
