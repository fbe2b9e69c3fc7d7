"""Fill missing Chinese translations in app/translations/zh from the glossary below.

Run after `make messages` when new message ids appear; existing translations are kept.
Usage: .venv/bin/python scripts/zh_translations.py
"""

from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "app/translations/zh/LC_MESSAGES/messages.po"

GLOSSARY = {
    "Investment intensity": "投资强度", "Plot ratio": "容积率", "Building coefficient": "建筑系数",
    "Admin and living share": "行政办公及生活服务设施用地比例", "Tax per mu": "亩均税收",
    "Not assessable for lack of data:": "缺少数据，无法评价：",
    # requisition plans (征地方案) and the rate table
    "Saved.": "已保存。", "Excel workbook (XLSX)": "Excel 工作簿（XLSX）",
    "Submission coordinates (TXT)": "报批坐标（TXT）",
    "Boundary points (XLSX)": "界址点成果表（XLSX）",
    "Boundary points (CSV)": "界址点成果表（CSV）", "GeoPackage": "GeoPackage",
    "Shapefile (ZIP)": "Shapefile（ZIP）", "GeoJSON": "GeoJSON", "KML": "KML",
    "DXF (CAD)": "DXF（CAD）", "PDF report": "PDF 报告", "Requisition plan": "征地方案",
    "Picked plots": "已选地块",
    "Delete this plan? This cannot be undone.": "删除此方案？删除后不能恢复。",
    "Cancel": "取消", "Cancel drawing": "取消绘制", "Finish": "完成", "Finish drawing": "完成绘制",
    "Delete last point": "删除最后一点", "Delete the last point drawn": "删除最后绘制的点",
    "Click to start drawing the polygon.": "点击开始绘制多边形。",
    "Click to continue drawing the polygon.": "点击继续绘制多边形。",
    "Click the first point to close the polygon.": "点击第一个点闭合多边形。",
    "The edges of the polygon must not cross.": "多边形的边不能相交。",
    "Draft": "草稿", "Submitted": "已报批", "Cultivated land": "耕地",
    "Other agricultural land": "其他农用地", "Construction land": "建设用地",
    "Unused land": "未利用地", "Zone price (区片综合地价)": "区片综合地价",
    "Young crops": "青苗补偿", "Attachments (houses)": "地上附着物（房屋）",
    "Social security": "社会保障费用", "Choose how to select the plots.": "请选择选取地块的方式。",
    "Requisition plans": "征地方案", "Compensation rates": "补偿标准",
    "An earlier version, shown exactly as it was submitted.": "历史版本，按报批时原样显示。",
    "Current version": "当前版本",
    "This version cannot be exported until these problems are fixed:":
        "以下问题解决之前，此版本不能导出：",
    "Total": "合计", "plots": "块", "Farmland": "农用地",
    "Collective land to requisition": "征收集体土地",
    "Compensation estimate (yuan)": "补偿测算（元）",
    "By owner": "按权属", "Compensation (yuan)": "补偿（元）", "no requisition needed": "无需征收",
    "By land class (GB/T 21010)": "按地类（GB/T 21010）", "Left out (already requisitioned):":
        "未列入（已征收）：",
    "Export": "导出", "Price zone": "区片", "Edit": "编辑",
    "This version is frozen; an edit starts version %(n)s as a draft.":
        "此版本已冻结；修改将生成第 %(n)s 版草稿。",
    "Click plots on the map to pick them, or draw a polygon to add the plots mostly inside it.":
        "在地图上点击地块进行选取，或绘制多边形添加大部分位于其中的地块。",
    "Pick plots": "选取地块", "Add picked": "加入所选", "Remove picked": "移出所选",
    "Add codes": "加入编号", "Remove codes": "移出编号", "Save changes": "保存修改",
    "Submit for approval": "提交报批", "Approve": "批准", "Delete plan": "删除方案",
    "Versions": "版本", "submitted": "报批", "approved": "批准",
    "Plan plots (red line)": "方案地块（红线）", "{n} picked": "已选 {n} 块",
    "in the plan": "在方案中", "not in the plan": "不在方案中",
    "The change was refused:": "修改被拒绝：",
    "Draw a polygon to add plots": "绘制多边形以加入地块", "Plan": "方案", "Created by": "编制人",
    "Updated": "更新时间", "No plan yet.": "还没有征地方案。", "New plan": "新建方案",
    "Plot codes": "地块编号", "All plots of a zone": "某分区的全部地块",
    "A project's plots": "某项目的地块",
    "You can add plots by drawing a polygon on the plan map afterwards.":
        "创建后还可以在方案地图上绘制多边形加入地块。",
    "Create plan": "创建方案", "Zone price (yuan/mu)": "区片综合地价（元/亩）",
    "Young crops (yuan/mu)": "青苗补偿（元/亩）", "Special crops (yuan/mu)": "特殊作物（元/亩）",
    "Houses (yuan/m²)": "房屋（元/平方米）", "Social security (yuan/mu)": "社会保障（元/亩）",
    "Used by every draft plan; a submitted plan keeps the rates it was computed with.":
        "所有草稿方案均按此标准测算；已报批的方案保留报批时的标准。",
    "Land group": "地类组", "Save": "保存",
    "Please log in.": "请先登录。",
    "Your role (%(role)s) may not do this; it needs %(level)s.":
        "您的角色（%(role)s）无权执行此操作，需要 %(level)s 权限。",
    "Wrong user name or password.": "用户名或密码错误。",
    "Enter your user name and password.": "请输入用户名和密码。",
    "You have logged out.": "您已退出登录。",
    "Planned": "规划", "Approved": "已批", "Requisitioned": "已征收", "Banked": "已收储",
    "Supplied": "已供地", "Delivered": "已交地", "Construction started": "已开工",
    "Under construction": "在建", "Start of construction": "实际开工",
    "Completed": "已竣工", "Operating": "已投产",
    "Approval (conversion/requisition)": "农转用/征收批复", "Requisition completed": "征收完成",
    "Land banked": "收储", "Supply contract": "供地（出让/划拨）合同",
    "Agreed start date": "约定动工日期", "Land delivered": "交地",
    "Production started": "投产",
    "collective": "集体", "state": "国有",
    "viewer": "查看者", "planner": "规划员", "admin": "管理员",
    "Park map": "园区一张图", "Zones": "功能分区", "Plots": "地块", "Roads": "道路",
    "Projects": "项目", "Water supply": "给水", "Drainage": "排水", "Power": "电力",
    "Telecom": "通信", "Gas": "燃气", "Heat": "热力", "In service": "已建成",
    "Arterial road": "主干路", "Secondary road": "次干路", "Branch road": "支路",
    "Negotiating": "在谈", "Signed": "签约", "Land supplied": "供地", "Started": "开工",
    "Code": "编号", "Name": "名称", "Stage": "阶段", "Area": "面积", "Land class": "地类",
    "Planned use": "规划用途", "Owner": "权属", "Zone": "分区", "Status": "状态",
    "Class": "等级", "Width": "宽度", "Planned completion": "计划完工", "Utility": "管线类型",
    "Type": "类型", "Company": "企业", "Industry": "行业", "Admitted industries": "准入行业",
    "Plot details": "地块详情", "m²": "平方米", "mu": "亩", "ha": "公顷", "m": "米",
    "Legend": "图例", "Colour plots by": "地块着色依据", "Lifecycle stage": "土地阶段",
    "Utility networks": "市政管网", "Line planned / under construction": "规划/在建管线",
    "Facility": "设施", "Plot code": "地块编号", "Search": "搜索",
    "No plot found with code “{code}”.": "未找到编号为“{code}”的地块。",
    "Searching…": "正在搜索…", "Zoom to park": "缩放至园区", "Full screen": "全屏",
    "Exit full screen": "退出全屏", "No basemap": "无底图", "OpenStreetMap": "OpenStreetMap",
    "Tianditu": "天地图", "Gaode (GCJ-02)": "高德（GCJ-02）",
    "Overlays are shifted to GCJ-02 to match the Gaode basemap.":
        "叠加图层已偏移至 GCJ-02 坐标以匹配高德底图（仅用于显示）。",
    "Loading map data…": "正在加载地图数据…",
    "Loading map data… ({done}/{total})": "正在加载地图数据…（{done}/{total}）",
    "Could not load {layer}: {message}": "无法加载{layer}：{message}",
    "Network error": "网络错误", "HTTP error {status}": "HTTP 错误 {status}", "Close": "关闭",
    "ParkAtlas": "园区一张图", "Map": "地图", "Log out": "退出", "Log in": "登录",
    "Error": "错误", "Back to the map": "返回地图", "Log in to ParkAtlas": "登录园区一张图",
    "User name": "用户名", "Password": "密码", "Plot": "地块", "Land": "土地",
    "Site levelled": "场地平整", "yes": "是", "no": "否", "Version": "版本",
    "Lifecycle": "土地生命周期", "No project occupies this plot.": "暂无项目占用此地块。",
    # land status and readiness views (map, popup, plot page, /idle, /priorities)
    "Reclaim due": "应无偿收回", "Idle land": "闲置土地", "Idle: not started": "闲置（未动工）",
    "Idle: construction suspended": "闲置（中止建设）", "Government cause": "政府原因",
    "Idle fee due": "应征闲置费", "Soon idle": "即将闲置", "Disposed": "已处置",
    "Low efficiency": "低效用地", "Zoning conflict": "产业布局冲突", "Use conflict": "用途冲突",
    "Double claim": "重复占用", "Approved, not supplied": "批而未供",
    "Supplied, not used": "供而未用", "Idle, government cause": "闲置（政府原因）",
    "Conflict (zoning, use, double claim)": "冲突（布局、用途、重复占用）", "No flag": "无标记",
    "Land not delivered on time": "未按约定交地", "Plan changed": "规划调整",
    "Policy changed": "政策调整", "Petitions": "信访",
    "Military or heritage control": "军事管制或文物保护",
    "Other government action": "其他政府行为", "Force majeure": "不可抗力",
    "Start deadline set": "限期动工", "Idle fee levied": "征缴闲置费", "Reclaimed": "无偿收回",
    "Agreement": "协议有偿收回", "Land exchange": "置换土地",
    "Available": "已通", "Missing": "未通", "Road": "道路",
    "No status flag.": "无状态标记。", "Loading status…": "正在加载状态…",
    "Readiness (七通一平)": "基础设施配套（七通一平）",
    "Serviced land, ready for supply": "熟地，达到供地条件", "Not serviced": "未达到供地条件",
    "As of {date}": "截至 {date}", "{distance} m away": "距离 {distance} 米",
    "planned {date}": "计划 {date}", "Status flags": "状态标记",
    "{label} ({count})": "{label}（{count}）",
    "Idle, disposed (outline)": "闲置已处置（轮廓）", "Not evaluated": "未评估",
    "Serviced land (熟地)": "熟地（达到供地条件）", "Raw land (生地)": "生地",
    "{level} of 8 in place": "已具备 {level}/8 项",
    "Plots served by the selected segment": "所选管段服务的地块", "Selected segment": "所选管段",
    "No plot with id {id}.": "未找到 ID 为 {id} 的地块。", "Area (mu)": "面积（亩）",
    "Agreed start": "约定动工", "1-year mark": "满一年", "2-year mark": "满两年",
    "Days left": "剩余天数", "Flags": "状态标记", "Cause / disposal": "原因 / 处置", "map": "地图",
    "{days} days overdue": "已超期 {days} 天",
    "No idle or soon-idle plot on this date.": "该日期无闲置或即将闲置的地块。",
    "{count} plots, {area} mu, as of {date}": "共 {count} 宗，{area} 亩，截至 {date}",
    "Government cause: {cause}": "政府原因：{cause}", "{disposal} ({date})": "{disposal}（{date}）",
    "Infrastructure priority": "基础设施优先", "Rank": "排名", "Plots gained": "受益地块",
    "Mu gained": "受益面积（亩）", "Newly serviced": "新增熟地（宗）",
    "Mu newly serviced": "新增熟地（亩）",
    "No planned road or network segment.": "无规划或在建的道路、管线。",
    "{count} planned segments, as of {date}": "共 {count} 段规划道路和管线，截至 {date}",
    "Planned segments": "规划道路和管线",
    "{name}: {count} plots, {area} mu would gain {utility}":
        "{name}：建成后 {count} 宗地块（{area} 亩）将通{utility}",
    "As of": "截至", "Show": "查询",
    "The status of this plot has not been evaluated yet.": "该地块的状态尚未评估。",
    "The readiness of this plot has not been evaluated yet.": "该地块的基础设施配套尚未评估。",
    "State": "状况", "Planned date or distance": "计划日期或距离",
    "{days} days ago": "{days} 天前", "in {days} days": "{days} 天后",
}


def main() -> None:
    with PO.open("rb") as f:
        catalog = read_po(f, locale="zh")
    missing = []
    for message in catalog:
        if not message.id or message.string:
            continue
        if message.id in GLOSSARY:
            message.string = GLOSSARY[message.id]
        else:
            missing.append(message.id)
    with PO.open("wb") as f:
        write_po(f, catalog, width=100)
    for msgid in missing:
        print(f"untranslated: {msgid}")


if __name__ == "__main__":
    main()
