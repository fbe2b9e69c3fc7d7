-- 0007 reference: names of GB/T 21010-2017 land classes and of planned-use codes
-- (国土空间调查、规划、用途管制用地用海分类), with the land group the compensation table uses.

CREATE TABLE IF NOT EXISTS land_classes (
  code text PRIMARY KEY,
  name_zh text NOT NULL,
  name_en text NOT NULL,
  -- cultivated (01xx), agricultural (other farmland), construction, unused
  land_group text NOT NULL CHECK (land_group IN ('cultivated', 'agricultural', 'construction', 'unused'))
);

INSERT INTO land_classes (code, name_zh, name_en, land_group) VALUES
  ('0101', '水田', 'Paddy field', 'cultivated'),
  ('0102', '水浇地', 'Irrigated land', 'cultivated'),
  ('0103', '旱地', 'Dry land', 'cultivated'),
  ('0201', '果园', 'Orchard', 'agricultural'),
  ('0202', '茶园', 'Tea garden', 'agricultural'),
  ('0204', '其他园地', 'Other garden land', 'agricultural'),
  ('0301', '乔木林地', 'Arbor forest', 'agricultural'),
  ('0305', '灌木林地', 'Shrub forest', 'agricultural'),
  ('0307', '其他林地', 'Other forest land', 'agricultural'),
  ('0401', '天然牧草地', 'Natural grassland', 'agricultural'),
  ('0404', '其他草地', 'Other grassland', 'unused'),
  ('0508', '物流仓储用地', 'Logistics and storage land', 'construction'),
  ('0601', '工业用地', 'Industrial land', 'construction'),
  ('0602', '采矿用地', 'Mining land', 'construction'),
  ('0701', '城镇住宅用地', 'Urban residential land', 'construction'),
  ('0702', '农村宅基地', 'Rural homestead', 'construction'),
  ('0809', '公用设施用地', 'Public utility land', 'construction'),
  ('1004', '城镇村道路用地', 'Urban and village road land', 'construction'),
  ('1006', '农村道路', 'Rural road', 'agricultural'),
  ('1101', '河流水面', 'River surface', 'unused'),
  ('1104', '坑塘水面', 'Pond surface', 'agricultural'),
  ('1107', '沟渠', 'Ditch', 'agricultural'),
  ('1202', '设施农用地', 'Facility agricultural land', 'agricultural'),
  ('1204', '盐碱地', 'Saline land', 'unused'),
  ('1206', '裸土地', 'Bare land', 'unused')
ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en,
  land_group = excluded.land_group;

CREATE TABLE IF NOT EXISTS planned_uses (
  code text PRIMARY KEY,
  name_zh text NOT NULL,
  name_en text NOT NULL
);

INSERT INTO planned_uses (code, name_zh, name_en) VALUES
  ('1001', '工业用地', 'Industrial'),
  ('100101', '一类工业用地', 'Class 1 industrial'),
  ('100102', '二类工业用地', 'Class 2 industrial'),
  ('100103', '三类工业用地', 'Class 3 industrial'),
  ('1101', '物流仓储用地', 'Logistics and storage'),
  ('110101', '一类物流仓储用地', 'Class 1 logistics and storage'),
  ('110102', '二类物流仓储用地', 'Class 2 logistics and storage'),
  ('0701', '城镇住宅用地', 'Urban residential'),
  ('0801', '机关团体用地', 'Government and institutions'),
  ('0901', '商业用地', 'Commercial'),
  ('1207', '城镇道路用地', 'Urban road'),
  ('1301', '供水用地', 'Water supply facilities'),
  ('1303', '供电用地', 'Power supply facilities'),
  ('1401', '公园绿地', 'Park green space'),
  ('1402', '防护绿地', 'Protective green space')
ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en;
