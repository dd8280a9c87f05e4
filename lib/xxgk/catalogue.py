"""Every finding code and rule, in one place: its category, severity, title, origin and messages.

A finding is data (:class:`xxgk.findings.Finding`); its words come from here, in Chinese and in
English (:mod:`xxgk.i18n`).  The ``xxgk check`` lines, the review banner and 数据核验 panel, the
dashboard and the README's code table are all produced from this catalogue: no code, title or
message is spelled anywhere else.

Categories, in the order an analyst needs them:

- ``input``: the data or params file cannot be read as it stands (errors stop the report;
  ``W-…`` input warnings do not);
- ``rule``: a consistency rule (勾稽关系) of the format, or arithmetic the tables imply;
- ``plausibility``: a figure that adds up but is unlikely for the body reporting it (notes);
- ``label``: a label read through a variant, with the official label it was read as (notes);
- ``missing``: a blank figure: missing data, never a failed check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Mapping

from .i18n import Text, get_lang

Category = Literal["input", "rule", "plausibility", "label", "missing"]
CATEGORIES: tuple[Category, ...] = ("input", "rule", "plausibility", "label", "missing")

#: Where a code comes from, printed beside every rule.
ORIGINS: dict[str, Text] = {
    "official": Text("格式原文", "the format's own wording"),
    "implied": Text("表格结构隐含的算术关系", "implied arithmetic"),
    "heuristic": Text("经验检查（非官方）", "plausibility heuristic (not official)"),
    "input": Text("数据与参数文件检查", "input check"),
}

CATEGORY_TEXT: dict[str, Text] = {
    "input": Text("输入检查", "input"),
    "rule": Text("勾稽关系", "consistency rule"),
    "plausibility": Text("合理性提示", "plausibility"),
    "label": Text("标签写法", "label variant"),
    "missing": Text("未填报", "missing data"),
}

SEVERITY_TEXT: dict[str, Text] = {
    "error": Text("错误", "error"),
    "warning": Text("警告", "warning"),
    "note": Text("提示", "note"),
    "missing": Text("未填报", "missing"),
}

STATUS_TEXT: dict[str, Text] = {
    "fail": Text("未通过", "failed"),
    "not_assessable": Text("无法判断", "not assessable"),
    "pass": Text("通过", "passed"),
}

#: Input errors that stand for a whole table the reader could not find (a missing sheet): its cells
#: are not each reported missing as well.
TABLE_UNREAD = frozenset({"E-SHEET", "E-LAYOUT"})

#: The line that stands for the input errors of one code past the first :data:`SHOWN_PER_CODE`.
MORE = Text("… 及另外 {count} 处同类错误（{code}）", "… and {count} more of the same kind ({code})")
SHOWN_PER_CODE = 20


@dataclass(frozen=True)
class Code:
    id: str
    category: Category
    #: Severity of a failure (a pass or a not-assessable result is always a note).
    severity: Literal["error", "warning", "note", "missing"]
    title: Text
    origin: str  # a key of ORIGINS
    messages: Mapping[str, Text] = field(default_factory=dict)
    #: For rules: what is compared, as a reviewer reads it.
    formula: Text | None = None

    @property
    def is_rule(self) -> bool:
        return self.category in ("rule", "plausibility")

    def message(self, variant: str, **args: Any) -> Text:
        try:
            template = self.messages[variant]
        except KeyError:
            raise KeyError(f"{self.id} has no message {variant!r}; it has {', '.join(self.messages)}") from None
        return template.format(**args)


CODES: dict[str, Code] = {}


def _code(id: str, category: Category, severity: str, title: tuple[str, str], origin: str = "input",
          formula: tuple[str, str] | None = None, **messages: tuple[str, str] | Text) -> Code:
    if id in CODES:
        raise ValueError(f"code {id} defined twice")
    texts = {k: v if isinstance(v, Text) else Text(*v) for k, v in messages.items()}
    CODES[id] = code = Code(id, category, severity, Text(*title), origin, texts,  # type: ignore[arg-type]
                            Text(*formula) if formula else None)
    return code


def get(id: str) -> Code | None:
    return CODES.get(id)


def message(id: str, variant: str, **args: Any) -> Text:
    return CODES[id].message(variant, **args)


def title(id: str) -> str:
    code = CODES.get(id)
    return code.title.render() if code else id


# Words used inside messages (arguments), so that a message reads well in either language.
AXIS = {"row": Text("行", "row"), "column": Text("列", "column")}
#: Shared wording of rules that compare two sums (R1, R2, R3, R6, R10).
_COMPARE = dict(
    pass_=("{describe}：{left} {sign} {right}", "{describe}: {left} {sign} {right}"),
    fail=("{describe}：{left} {sign} {right}（相差 {difference}）", "{describe}: {left} {sign} {right} (difference {difference})"),
    na=("{describe}：无法判断，未填报：{blank}", "{describe}: not assessable, blank: {blank}"),
    computed=("{describe}：文件未给出该总计，已由分项计算为 {value}，无须核对",
              "{describe}: the file leaves the total blank; computed from its parts as {value}, nothing to compare"),
)
SUM_OF_PARTS = Text("{cell} = 各分项之和", "{cell} = sum of its parts")


def _rule(id, category, severity, title, origin, formula, **messages):
    # "pass" is a keyword in Python: rule messages are given as pass_=...
    if "pass_" in messages:
        messages["pass"] = messages.pop("pass_")
    return _code(id, category, severity, title, origin, formula, **messages)


# --- input: the data file --------------------------------------------------------------------

_code("E-READ", "input", "error", ("无法读取数据文件", "data file unreadable"),
      not_found=("数据文件不存在", "data file not found"),
      os=("无法读取该文件：{reason}", "cannot read the file: {reason}"))
_code("E-TWO-FILES", "input", "error", ("同一报告有两个数据文件", "two data files for one report"),
      both=("{files} 都是这份报告的数据文件，无法判断该用哪一个：请删除或移走其中一个",
            "{files} are both data files of this report, and the kit cannot tell which to use: remove or move one"))
_code("E-EMPTY", "input", "error", ("数据文件为空", "empty data file"),
      empty=("文件为空", "the file is empty"),
      no_records=("没有数据：文件只有表头行，没有数据行", "no figures: the file has a header line but no data lines"))
_code("E-ENCODING", "input", "error", ("无法解码", "undecodable file"),
      undecodable=("无法按 UTF-8 或 GB18030/GBK 解码该文件；请另存为 UTF-8 编码的 CSV",
                   "cannot decode the file as UTF-8 or GB18030/GBK; save it as UTF-8 CSV"),
      nul=("文件含有 NUL 字节：它是电子表格（.xlsx）而不是 CSV 吗？请另存为 UTF-8 编码的 CSV",
           "the file contains NUL bytes: is it a spreadsheet (.xlsx) rather than CSV? Save it as UTF-8 CSV"),
      workbook=("这是压缩文件，多半是以 .csv 结尾的 Excel 工作簿（.xlsx）：如果是工作簿，请把扩展名改为 .xlsx（工作簿可以直接读取）",
                "this is a zip archive, most likely an Excel workbook (.xlsx) under a .csv name: if it is a workbook, "
                "rename it to .xlsx (workbooks are read as they are)"))
_code("E-HEADER", "input", "error", ("表头有误", "bad header line"),
      missing_header=("缺少表头行；第一行应为：{header}{hint}", "missing header line; the first line must be: {header}{hint}"),
      missing_columns=("表头缺少列 {columns}；第一行应为：{header}{hint}",
                       "missing column(s) {columns} in the header; the first line must be: {header}{hint}"),
      tab_hint=("（该文件以制表符分隔：请另存为逗号分隔的 CSV）", " (the file is tab-separated: save it as CSV, with commas)"))
_code("E-COLUMNS", "input", "error", ("字段数不对", "wrong number of fields"),
      too_many=("本行有 {fields} 个字段，表头只有 {columns} 个：标签或数值中是否有未加引号的逗号？",
                "{fields} fields where the header has {columns}: an unquoted comma in a label or value?"),
      too_few=("本行只有 {fields} 个字段，表头有 {columns} 个：本行没有 {missing}（是否少了逗号？）",
               "{fields} fields where the header has {columns}: no {missing} on this line (a lost comma?)"))
_code("E-CSV", "input", "error", ("不是可读的 CSV 文件", "unreadable CSV"),
      bad=("不是可读的 CSV 文件：{reason}", "not a readable CSV file: {reason}"))
_code("E-XLSX", "input", "error", ("无法读取工作簿", "unreadable workbook"),
      not_workbook=("不是 Excel 工作簿（.xlsx），无法读取", "not an Excel workbook (.xlsx): it cannot be read"),
      text=("这是文本文件（如 CSV），只是文件名以 .xlsx 结尾：CSV 文件请以 .csv 为扩展名；工作簿请在 Excel 或 WPS 中另存为 .xlsx",
            "this is a text file (a CSV?) under an .xlsx name: give a CSV file the .csv extension, or save the workbook as "
            ".xlsx in Excel or WPS"),
      xls=("这是旧版 Excel 97-2003 工作簿（.xls）：请在 Excel、WPS 或 LibreOffice 中另存为 Excel 工作簿（.xlsx）",
           "this is an old Excel 97-2003 workbook (.xls): save it as an Excel workbook (.xlsx) in Excel, WPS or LibreOffice"),
      encrypted=("工作簿设有打开密码（文件已加密），无法读取：请在 Excel 或 WPS 中打开，取消文件的打开密码后保存"
                 "（工作表保护可以保留）",
                 "the workbook has a password to open it (it is encrypted) and cannot be read: open it in Excel or WPS, "
                 "remove the password to open, and save it (sheet protection may stay)"),
      corrupt=("工作簿已损坏或不完整，无法读取（{reason}）：请在 Excel、WPS 或 LibreOffice 中打开，核对内容后另存为 .xlsx",
               "the workbook is damaged or incomplete and cannot be read ({reason}): open it in Excel, WPS or "
               "LibreOffice, check it, and save it as .xlsx"))
_code("E-SHEET", "input", "error", ("缺少工作表", "missing sheet"),
      missing=("工作簿中没有表{table}的工作表“表{table}”（现有工作表：{sheets}）：请不要删除表二、表三、表四，也不要给它们改名",
               "the workbook has no sheet “表{table}” for table {table} (its sheets: {sheets}): do not delete or "
               "rename 表二, 表三 and 表四"),
      twice=("工作表“{first}”和“{second}”都是表{table}：请只保留一个", "sheets “{first}” and “{second}” are both table {table}: keep one"))
_code("E-LAYOUT", "input", "error", ("工作表中找不到表格", "table not found in its sheet"),
      rows=("工作表“{sheet}”中找不到表{table}的行标签（如“{example}”），无法按标签找到数据单元格：请按模板恢复表格",
            "sheet “{sheet}” has none of table {table}'s row labels (such as “{example}”), so no figure can be found "
            "by its labels: restore the table as in the template"),
      columns=("工作表“{sheet}”中找不到表{table}的表头（如“{example}”），无法按标签找到数据单元格：请按模板恢复表格",
               "sheet “{sheet}” has none of table {table}'s column headers (such as “{example}”), so no figure can be "
               "found by its labels: restore the table as in the template"))
_code("E-FORMULA", "input", "error", ("公式没有计算结果", "formula without a saved result"),
      uncached=("公式 ={formula} 没有保存计算结果：这个文件由程序写出，从未在电子表格软件中打开并保存过。"
                "请用 Excel、WPS 或 LibreOffice 打开它并保存，再运行一次",
                "the formula ={formula} has no saved result: the file was written by a program and never opened and "
                "saved in a spreadsheet program. Open it in Excel, WPS or LibreOffice, save it, and run again"))
_code("E-NOT-REPORT", "input", "error", ("不是年度报告数据文件", "not a report's data file"),
      stopped=("这不像年度报告的数据文件：前 {records} 条数据没有一条能对应到报表的单元格，已停止读取",
               "this does not look like a report's data file: none of its first {records} records names a cell "
               "of the tables; reading stopped"))
_code("E-TABLE", "input", "error", ("未知的表", "unknown table"),
      unknown=("未知的表“{table}”：请填 二、三 或 四", "unknown table “{table}”: use 二, 三 or 四"))
_code("E-LABEL", "input", "error", ("未知的标签", "unknown label"),
      unknown=("表{table}中未知的{axis}标签“{label}”{hint}", "unknown {axis} label “{label}” in table {table}{hint}"),
      hint=("；是否应为“{suggestion}”？", "; did you mean “{suggestion}”?"))
_code("E-OTHER-VERSION", "input", "error", ("另一版本格式的标签", "label of the other format version"),
      other=("{axis}标签“{label}”属于 {other} 年版格式，而本报告使用 {version} 年版格式"
             "（如该机关仍沿用 {other} 年版表格，请在参数文件中设置 format: \"{other}\"）",
             "the {axis} label “{label}” belongs to the {other} format, but this report uses the {version} format "
             "(if the body kept the {other} layout, set format: \"{other}\" in its params file)"))
_code("E-CELL", "input", "error", ("表中没有这个单元格", "no such cell"),
      none=("表{table}在 {version} 年版格式中没有“{row}”×“{column}”这个单元格",
            "table {table} has no cell “{row}” × “{column}” in the {version} format"))
_code("E-STRAY", "input", "error", ("数值不在表格的单元格中", "figure outside the table's cells"),
      stray=("“{value}”不在表格的任何数据单元格中：它所在的行没有行标签，或所在的列没有表头。请把它移到对应的单元格，或删除",
             "“{value}” is in no data cell of the table: its row has no row label, or its column no header. Move it "
             "to its cell, or delete it"))
_code("E-DUPLICATE", "input", "error", ("单元格重复", "cell given twice"),
      twice=("该单元格重复给出（第一次在第 {first_line} 行）", "this cell is given twice (first on line {first_line})"),
      twice_at=("该单元格重复给出（第一次在 {first}）：是否复制了一行或一列？", "this cell is given twice (first at {first}): "
                "was a row or a column copied?"))
_code("E-MISSING-CELL", "input", "error", ("缺少单元格", "cell missing from the file"),
      missing=("文件中没有这个单元格（{version} 年版格式）的行；数值不详时请保留该行、数值留空",
               "no line for this cell of the {version} format (leave its value blank if the figure is unknown)"),
      missing_in_workbook=("工作簿的表{table}中找不到这个单元格（{version} 年版格式）：它所在的行或列的标签不在表中。"
                           "请按模板恢复该行或列；数值不详时留空",
                           "this cell of the {version} format is not in the workbook's table {table}: the label of "
                           "its row or column is not there. Restore the row or column as in the template (leave the "
                           "figure blank if it is unknown)"))
_code("E-NOT-NUMBER", "input", "error", ("不是数字", "not a number"),
      not_number=("“{value}”不是数字", "“{value}” is not a number"),
      too_long=("“{value}”有 {digits} 位数字，不可能是报告中的数值", "“{value}” has {digits} digits: too long to be a figure of a report"))
_code("E-FRACTION", "input", "error", ("件数不是整数", "fractional count"),
      fraction=("“{value}”不是整数：件数必须是整数", "“{value}” is not a whole number of items"))
_code("E-NEGATIVE", "input", "error", ("件数为负", "negative count"),
      negative=("“{value}”是负数：件数不能为负", "“{value}” is negative; counts cannot be"))
_code("M-BLANK", "missing", "missing", ("未填报", "missing data"),
      blank=("未填报：数值为空，按缺失处理（不当作 0），需要它的规则无法判断",
             "missing data: the value is blank, so it is printed blank and rules that need it are not assessable"),
      row=("{where} 各列 未填报", "{where}: every column blank"),
      cells=("{where}：{columns} 未填报", "{where}: {columns} blank"),
      table=("表{table} 全表 未填报", "表{table}: the whole table is blank"),
      group=("{where} 未填报", "{where} blank"))

# --- input: labels read through a variant ------------------------------------------------------

_code("N-ALIAS", "label", "note", ("非官方标签写法", "label variant"),
      alias=("“{label}”按官方标签“{official}”读取（非官方写法）", "“{label}” read as the official “{official}” (not the official wording)"),
      shortened=("“{label}”是简写，按官方标签“{official}”读取", "“{label}” is a shortened label, read as the official “{official}”"),
      truncated=("“{label}”不完整（被截断），按官方标签“{official}”读取",
                 "“{label}” is cut short, read as the official “{official}”"),
      remark=("“{label}”带有附加说明，按官方标签“{official}”读取", "“{label}” carries an added remark, read as the official “{official}”"),
      brackets=("“{label}”缺少括号，按官方标签“{official}”读取", "“{label}” lacks its brackets, read as the official “{official}”"),
      version_2019=("“{label}”是 2019 年版的写法，按 2021 年版的“{official}”读取（许多 2021 年报告如此印制）",
                    "“{label}” is the 2019 label, read as the 2021 “{official}”, as many 2021 reports print it"),
      unit=("“{label}”没有写单位，按“{official}”读取：金额以万元计", "“{label}” has no unit, read as “{official}”: the amount is taken to be in 万元"))

# --- input: the params file and the report's name and year ---------------------------------------

#: The ways ``publish_date`` may be written (xxgk.params.parse_date reads them; full-width digits too).
_DATE_FORMS = ("2021-01-26、2021/1/26、2021.1.26 或 2021年1月26日", "2021-01-26, 2021/1/26, 2021.1.26 or 2021年1月26日")

_code("E-NAME", "input", "error", ("乡镇名称不能用作文件名", "unsafe township name"),
      unsafe=("乡镇名称“{name}”{problem}，不能用作文件名", "township name “{name}” {problem}; it is not safe as a file name"),
      empty=("为空", "is empty"),
      dot=("以点开头", "starts with a dot"),
      separator=("含有路径分隔符或 Windows 文件名不允许的字符", "contains a path separator or a character Windows forbids in file names"),
      control=("含有控制字符", "contains a control character"),
      spaces=("首尾有空格", "has leading or trailing spaces"),
      trailing_dot=("以点结尾（Windows 会去掉文件名末尾的点，文件就不再是这个名称）",
                    "ends with a dot (Windows strips a trailing dot from a file name, so the files would lose the name)"),
      reserved=("在 Windows 看来是保留的设备名 {device}（Windows 不分大小写、不看扩展名，在 Windows 上无法建立这样的文件）",
                "is, to Windows, the reserved device name {device} (Windows ignores case and extension: no such file "
                "can be made on Windows)"),
      too_long=("乡镇名称“{name}”太长：{chars} 个字符，UTF-8 编码 {bytes} 字节（一个汉字 3 字节）。由名称生成的最长文件名"
                "是 {longest}，比名称多 {extra} 字节，而文件名最多 {max} 字节，所以乡镇名称最多 {limit} 字节，"
                "即 {limit_chinese} 个汉字",
                "township name “{name}” is too long: {chars} characters, {bytes} bytes in UTF-8 (3 per Chinese "
                "character). The longest file name made from it is {longest}, {extra} bytes more than the name, and a "
                "file name has at most {max} bytes: a township name may have at most {limit} bytes, that is "
                "{limit_chinese} Chinese characters"),
      longest=("{before}<乡镇>{after}（写入文件时所用的临时文件）", "{before}<township>{after} (a temporary file a file is "
               "written through)"))
_code("E-YEAR", "input", "error", ("没有该年度的格式", "no format for the year"),
      before=("没有 {first} 年以前报告年度的官方格式", "no official format is encoded for reporting years before {first}"))
_code("E-PARAMS-READ", "input", "error", ("无法读取参数文件", "params file unreadable"),
      os=("无法读取参数文件：{reason}", "cannot read the params file: {reason}"))
_code("E-PARAMS-ENCODING", "input", "error", ("参数文件编码有误", "params file not UTF-8"),
      not_utf8=("参数文件不是 UTF-8 编码", "the params file is not UTF-8"))
_code("E-PARAMS-YAML", "input", "error", ("参数文件不是有效的 YAML", "invalid YAML"),
      invalid=("不是有效的 YAML：{problem}", "not valid YAML: {problem}"),
      not_mapping=("参数文件必须是“字段: 值”的映射", "the params file must be a mapping of field: value"),
      too_deep=("不是有效的 YAML：括号嵌套层次太深", "not valid YAML: brackets nested too deeply"))
_code("E-PARAMS-MISSING", "input", "error", ("缺少必填字段", "required field missing"),
      missing=("缺少必填字段“{field}”", "required field “{field}” is missing"))
_code("E-PARAMS-FIELD", "input", "error", ("未知字段", "unknown field"),
      unknown=("未知字段“{field}”（已知字段：{known}）", "unknown field “{field}” (known fields: {known})"))
_code("E-PARAMS-TYPE", "input", "error", ("字段值有误", "wrong field value"),
      invalid=("字段“{field}”：{problem}（实际为 {got}）", "field “{field}”: {problem} (got {got})"),
      code_number=("字段“code”：YAML 把未加引号的 {written} 读成了数字 {got}，丢失了前导零；请加引号：code: \"{written}\"",
                   "field “code”: YAML reads the unquoted {written} as the number {got}, losing its leading zeros; "
                   "write it in quotes: code: \"{written}\""),
      year_digits=("年份请用阿拉伯数字书写，例如 2020", "write the year in Arabic digits, e.g. 2020"),
      date=("不是可读的日期；日期写作 " + _DATE_FORMS[0], "not a date that can be read; a date is written " + _DATE_FORMS[1]),
      date_impossible=("这一日期不存在（月份或日数超出范围）；日期写作 " + _DATE_FORMS[0],
                       "the date does not exist (month or day out of range); a date is written " + _DATE_FORMS[1]),
      integer=("应为整数", "should be a whole number"),
      text=("应为文字", "should be text"),
      version=("应为已知的格式版本之一：{known}", "should be one of the known format versions: {known}"),
      range=("超出允许的范围", "out of the allowed range"))
_code("E-PARAMS-MISMATCH", "input", "error", ("参数文件与数据文件不符", "params file for another report"),
      mismatch=("参数文件中 {field} 为 {got}，但该文件属于 {expected}", "{field} is {got} but the file is for {expected}"))
_code("W-NO-PARAMS", "input", "warning", ("缺少参数文件", "no params file"),
      missing=("没有参数文件：叙述部分将注明文字未提供", "no params file: the narrative sections will say the text was not provided"))
_code("E-PLACEHOLDER", "input", "error", ("未知占位符", "unknown placeholder"),
      other_version=("“{field}”中的占位符 {placeholder} 只在 {versions} 年版格式中存在，本报告使用 {version} 年版",
                     "placeholder {placeholder} in “{field}” exists only in the {versions} format; this report uses {version}"),
      unknown=("“{field}”中有未知占位符 {placeholder}；可用的有：{known}",
               "unknown placeholder {placeholder} in “{field}”; known: {known}"))
_code("E-PUBLISH-INCOMPLETE", "input", "error", ("发布稿内容不全", "incomplete for publishing"),
      missing=("发布稿不能印“未提供”：{missing} 未提供（在参数文件 {file} 中补上；审阅稿照常生成）",
               "a published copy cannot print “not provided”: {missing} missing (add it to {file}; the review "
               "copy still renders)"))
_code("W-PLACEHOLDER-BLANK", "input", "warning", ("占位符对应的数值未填报", "placeholder for a blank figure"),
      blank=("“{field}”中的占位符 {placeholder} 对应的数值未填报，将显示为［数据缺失］",
             "placeholder {placeholder} in “{field}” stands for a blank figure; it prints ［数据缺失］"),
      no_previous=("“{field}”中的占位符 {placeholder} 要与上年比较，但 {year} 年的数据没有或读不出，将显示为［数据缺失］",
                   "placeholder {placeholder} in “{field}” compares with last year, but {year} has no readable data file; "
                   "it prints ［数据缺失］"))

# --- importing a published report (xxgk import) ---------------------------------------------------

_code("E-IMPORT-SOURCE", "input", "error", ("无法读取所导入的报告", "source cannot be imported"),
      kind=("不支持的文件类型；可导入：{suffixes}", "not a kind of file the kit imports; it imports {suffixes}"),
      unreadable=("无法读取该文件：{reason}", "cannot read the file: {reason}"),
      empty=("文件是空的", "the file is empty"),
      encoding=("无法解码该网页（既不是 UTF-8 也不是 GB18030/GBK）", "cannot decode the page (neither UTF-8 nor GB18030/GBK)"),
      corrupt=("文件已损坏或不完整：{reason}", "the file is damaged or cut short: {reason}"),
      encrypted=("文件有密码保护，无法读取", "the file is protected by a password"),
      no_end=("网页没有结尾（下载不完整？）", "the page has no end (was the download cut short?)"),
      scan=("PDF 没有文字层（可能是扫描件），无法读出文字；请找到网页版或 Word 版，或先做文字识别（OCR）",
            "the PDF has no text layer (a scan?); find the web or Word version, or run text recognition (OCR) first"),
      no_labels=("这不像政府信息公开工作年度报告：表格中没有官方格式的标签",
                 "this does not look like an annual report: no table prints a label of the official format"),
      no_tables=("没有一个表格能对应到年度报告的表格", "no table matches the tables of an annual report"),
      no_title=("标题中读不出乡镇和年度；请用 --township 和 --year 指定",
                "the title names no township and year; give --township and --year"))
_code("E-IMPORT-CELL", "input", "error", ("未能读出的单元格", "cell not read"),
      lost=("源文件中找不到这个单元格的数值（该行或该格在源文件中缺失或已损坏）",
            "the source gives no figure for this cell (its row or cell is missing or damaged there)"),
      row=("{where} 各列 源文件中缺失", "{where}: every column lost in the source"),
      cells=("{where}：{columns} 源文件中缺失", "{where}: {columns} lost in the source"),
      table=("表{table} 全表 源文件中缺失", "表{table}: the whole table lost in the source"),
      unreadable=("源文件中的“{text}”无法读作数值（{why}）", "“{text}” in the source cannot be read as a figure ({why})"),
      conflict=("源文件中给出了两次且不一致：{first}（{where_first}）与 {second}（{where_second}）",
                "the source gives it twice, differently: {first} ({where_first}) and {second} ({where_second})"))
_code("N-IMPORT", "label", "note", ("导入说明", "import note"),
      extra_row=("表{table}中多出的一行“{label}”不属于官方表格，未读入", "an extra row “{label}” in table {table} is not in the official table; not read"),
      version=("按表格所印标签判定为 {version} 年版格式（依据：{labels}）", "read as the {version} format from the labels the tables print ({labels})"),
      version_year=("标题年份 {year} 默认使用 {expected} 年版格式，但表格印的是 {version} 年版（有些机关沿用旧表）",
                    "the title's year {year} uses the {expected} format by default, but the tables print the {version} format "
                    "(some bodies kept the old layout)"),
      inferred=("源文件缺失，按 {rule} 推出为 {value}（--infer）", "missing in the source; {value} as {rule} forces it (--infer)"))

# --- consistency rules -----------------------------------------------------------------------

_rule("R1", "rule", "warning", ("表三各列勾稽关系", "footnote of table 三"), "official",
      ("每一列：一、本年新收 + 二、上年结转 = （七）总计 + 四、结转下年度继续办理",
       "for every column: 一、本年新收 + 二、上年结转 = （七）总计 + 四、结转下年度继续办理"),
      **_COMPARE)
_rule("R2", "rule", "warning", ("表三行总计", "row 总计 of table 三"), "implied",
      ("每一行：总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他",
       "for every row: 总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他"),
      **_COMPARE)
_rule("R3", "rule", "warning", ("表三办理结果合计", "（七）总计 of table 三"), "implied",
      ("每一列：（七）总计 = （一）+（二）+（三）1–8 +（四）1–3 +（五）1–5 +（六）",
       "for every column: （七）总计 = （一）+（二）+（三）1–8 +（四）1–3 +（五）1–5 +（六）"),
      **_COMPARE)
_rule("R6", "rule", "warning", ("表四总计", "table 四 totals"), "implied",
      ("行政复议及两类行政诉讼：总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
       "for 行政复议 and both kinds of 行政诉讼: 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结"),
      **_COMPARE)
_rule("R7", "rule", "warning", ("数值类型", "kinds of number"), "implied",
      ("表三、表四的每个单元格和表二的件数都是非负整数；本年增/减是可为负的整数；采购总金额和本年收费金额是非负金额",
       "every cell of tables 三 and 四 and every count of table 二 is a non-negative whole number; "
       "本年增/减 is a whole number that may be negative; 采购总金额 and 本年收费金额 are non-negative amounts"),
      pass_=("表{table}：{checked} 个数值都符合单元格应有的数值类型{tail}",
             "表{table}: all {checked} figures are the kind of number their cell holds{tail}"),
      tail=("（{blank} 个未填报，未检查）", " ({blank} blank, not checked)"),
      fail=("表{table}：{checked} 个数值中有 {bad} 个不是该单元格应有的数值类型：{detail}",
            "表{table}: {bad} of {checked} figures are not the kind of number the cell holds: {detail}"),
      na=("表{table}：无法判断，所有单元格都未填报", "表{table}: not assessable, every cell is blank"),
      problem=("{cell}：{why}", "{cell}: {why}"),
      na_in_counts=("“/”（不适用）出现在统计申请或案件件数的单元格；没有就填 0",
                    "“/” (not applicable) where the format counts applications or cases; write 0 if there were none"),
      not_number=("“{value}”不是数字", "“{value}” is not a number"),
      negative_amount=("{value} 是负数金额", "{value} is a negative amount"),
      fraction=("{value} 不是整数", "{value} is not a whole number"),
      negative_count=("{value} 是负的件数", "{value} is a negative count"))
_CROSS = dict(
    na_year=("{what}：无法判断，{township}没有 {year} 年的数据文件", "{what}: not assessable, {township} has no data file for {year}"),
    na_unreadable=("{what}：无法判断，{file} 有输入错误，其数值未被采用", "{what}: not assessable, {file} has input errors and was not read"),
    na_blank=("{what}：无法判断，未填报：{blank}", "{what}: not assessable, blank: {blank}"),
    na_version=("{what}：无法判断，{year} 年使用 {version} 年版格式，没有这些数值",
                "{what}: not assessable, {year} uses the {version} format, which has no such figures"),
    carried=("{what}：本年未填报，已按上年（{file}:{line}）结转为 {value}",
             "{what}: blank this year, carried from last year ({file}:{line}) as {value}"),
)
_rule("R8", "rule", "warning", ("上年结转与上年报告一致（跨年度）", "carried over as last year's report says (across years)"),
      "implied",
      ("每一列：上年报告的 四、结转下年度继续办理 = 本年报告的 二、上年结转政府信息公开申请数量（含 2020→2021 格式变化）",
       "for every column: last year's 四、结转下年度继续办理 = this year's 二、上年结转政府信息公开申请数量 (across the 2020→2021 format change too)"),
      pass_=("{what}：上年结转下年度 {previous} = 本年上年结转 {this}", "{what}: last year carried out {previous} = this year carried in {this}"),
      fail=("{what}：本年上年结转 {this}，但上年（{file}:{line}）结转下年度为 {previous}（相差 {difference}）",
            "{what}: this year carries in {this}, but last year ({file}:{line}) carried out {previous} (difference {difference})"),
      **_CROSS)
_rule("R9", "rule", "warning", ("现行有效件数的跨年度衔接（经验检查）", "documents in force from year to year (heuristic)"),
      "heuristic",
      ("2021 年版，规章、行政规范性文件各自：现行有效件数(本年) = 现行有效件数(上年) + 本年制发件数 − 本年废止件数"
       "（第三方的经验检查，非官方；修订或统计口径变化时并不精确）",
       "2021 format, for 规章 and 行政规范性文件: 现行有效件数(N) = 现行有效件数(N−1) + 本年制发件数(N) − 本年废止件数(N) "
       "(a third-party heuristic, not official; not exact when documents are amended or the scope changes)"),
      pass_=("{what}：{this} = 上年 {previous} + 制发 {new} − 废止 {repealed}",
             "{what}: {this} = last year's {previous} + {new} issued − {repealed} repealed"),
      fail=("{what}：现行有效 {this}，但上年（{file}:{line}）{previous} + 制发 {new} − 废止 {repealed} = {expected}（相差 {difference}）",
            "{what}: {this} in force, but last year's ({file}:{line}) {previous} + {new} issued − {repealed} repealed = "
            "{expected} (difference {difference})"),
      **_CROSS)
_rule("R10", "rule", "warning", ("本年新公开数量不超过对外公开总数量；上一年项目数量的跨年度衔接（2019 年版）",
                                 "本年新公开数量 ≤ 对外公开总数量; 上一年项目数量 from year to year (2019 format)"), "implied",
      ("2019 年版：规章、规范性文件各自 本年新公开数量 ≤ 对外公开总数量（表二第二十条第（一）项）；第二十条（五）（六）（八）各项 "
       "上一年项目数量(本年) = 上一年项目数量(上年) + 本年增/减(上年)",
       "2019 format: 本年新公开数量 ≤ 对外公开总数量, for 规章 and for 规范性文件 (table 二, 第二十条第（一）项); for each item of "
       "第二十条（五）（六）（八）: 上一年项目数量(N) = 上一年项目数量(N−1) + 本年增/减(N−1)"),
      **_COMPARE,
      cross_pass=("{what}：上一年项目数量 {this} = 上年的 {previous} + 本年增/减 {delta}",
                  "{what}: 上一年项目数量 {this} = last year's {previous} + change {delta}"),
      cross_fail=("{what}：上一年项目数量 {this}，但上年（{file}:{line}）{previous} + 本年增/减 {delta} = {expected}（相差 {difference}）",
                  "{what}: 上一年项目数量 {this}, but last year's ({file}:{line}) {previous} + change {delta} = {expected} "
                  "(difference {difference})"),
      **{f"cross_{k}": v for k, v in _CROSS.items()})

# --- plausibility ------------------------------------------------------------------------------

_rule("P1", "plausibility", "note", ("数量级（远高于同级机关通常的数值）", "figure far above what a body of its level reports"),
      "heuristic",
      ("乡镇街道：表三 一/二 总计 ≤ 1000；表四各总计 ≤ 100；表二新制发（行政）规范性文件 ≤ 100；表二处理决定数量 ≤ 100000",
       "for a 乡/镇/街道: 表三 一/二 总计 ≤ 1000; 表四 each 总计 ≤ 100; 表二 new (行政)规范性文件 ≤ 100; 表二 处理决定数量 ≤ 100000"),
      pass_=("{cell}：{value} ≤ {limit}", "{cell}: {value} ≤ {limit}"),
      fail=("{cell} 为 {value}，远高于乡镇街道通常报告的数值（超过 {limit}：{why}）；请确认该数值",
            "{cell} is {value}, far above what a township-level body usually reports (above {limit}: {why}); "
            "please confirm the figure"),
      na=("{cell}：无法判断，未填报", "{cell}: not assessable, blank"),
      applications=("乡镇街道一年通常收到零到几十件申请", "a 乡/镇/街道 usually receives from none to a few dozen applications a year"),
      cases=("乡镇街道一年通常涉及零到几起此类案件", "a 乡/镇/街道 is usually party to none or a handful of such cases a year"),
      normative=("乡镇街道一年通常制发不超过几件规范性文件", "a 乡/镇/街道 usually issues no more than a few normative documents a year"),
      decisions=("即使实行综合行政执法的城市街道，一年也至多作出几千件决定",
                 "even urban 街道 with 综合行政执法 decide at most some thousands a year"))
_rule("P2", "plausibility", "note", ("乡镇街道不制定规章", "a 乡/镇/街道 makes no 规章"), "heuristic",
      ("乡镇街道：表二 规章 各数值均为 0（或 /）", "for a 乡/镇/街道: every figure of 表二 规章 is 0 (or /)"),
      pass_=("{row}：没有数值（0 或 /），符合乡镇街道的情况", "{row}: no figures (0 or /), as expected of a 乡/镇/街道"),
      fail=("{row}：{figures}，但只有省级政府和设区的市、自治州政府才能制定{row}，乡镇街道没有。是否把{other_row}或上级机关的文件算在了这里？",
            "{row}: {figures}, but only provincial-level governments and those of larger cities (设区的市) make {row}; "
            "a 乡/镇/街道 has none. Were {other_row} or documents of higher bodies counted here?"),
      na=("{row}：无法判断，未填报：{blank}", "{row}: not assessable, blank: {blank}"))
#: Why a figure a rule needs is not there: blank (missing data) and “/” are told apart.
ABSENT = {"blank": Text("{cell} 未填报", "{cell} blank"),
          "na": Text("{cell} 为“/”（不适用）", "{cell} is “/” (not applicable)")}
_rule("P3", "plausibility", "note", ("本年新公开数量不少于本年新制作数量（2019 年版）",
                                     "本年新公开数量 not below 本年新制作数量 (2019 format)"), "heuristic",
      ("规章、规范性文件各自：本年新公开数量 ≥ 本年新制作数量（表二第二十条第（一）项）：二者都必须公开发布，"
       "未经公布的不得作为行政管理依据",
       "for 规章 and for 规范性文件: 本年新公开数量 ≥ 本年新制作数量 (table 二, 第二十条第（一）项): both must be "
       "published, and an unpublished one cannot be applied"),
      pass_=("{row}：本年新制作 {made} 件，本年新公开 {published} 件", "{row}: {made} made this year, {published} published"),
      fail=("{row}：本年新制作 {made} 件，本年新公开只有 {published} 件。{row}必须公开发布，未经公布的不得作为行政管理依据，"
            "新制作的一般当年即公开：是否把别的数字（如依申请公开的件数）填作了本年新公开数量，或把两列填反了？"
            "如确有年底制作、次年才公开的，请在报告中说明",
            "{row}: {made} made this year but only {published} published. A {row} must be published (an unpublished "
            "one cannot be applied), so what is made is normally published the same year: was another figure (such "
            "as disclosures on application) typed as 本年新公开数量, or the two columns swapped? If some were made "
            "late in the year and published the next, say so in the report"),
      na=("{row}：无法判断，{absent}", "{row}: not assessable, {absent}"))
_rule("P4", "plausibility", "note", ("金额疑似按元填写（乡镇街道）", "amount probably typed in 元 (乡/镇/街道)"),
      "heuristic",
      ("乡镇街道：2019 年版 采购总金额 ÷ 采购项目数量 ≤ 2000 万元；2021 年版 本年收费金额 ≤ 1000 万元",
       "for a 乡/镇/街道: 2019 format 采购总金额 ÷ 采购项目数量 ≤ 2000 万元 per item; "
       "2021 format 本年收费金额 ≤ 1000 万元"),
      pass_=("{cell}：{value} 万元 ≤ {limit} 万元", "{cell}: {value} 万元 ≤ {limit} 万元"),
      pass_items=("{cell}：{value} 万元，{items} 个项目，平均每项 {per_item} 万元 ≤ {limit} 万元",
                  "{cell}: {value} 万元 for {items} items, {per_item} 万元 per item ≤ {limit} 万元"),
      fail=("{cell} 为 {value} 万元，对乡镇街道而言过大（超过 {limit} 万元）：很可能是按元填写的。"
            "如按元计，应为 {intended} 万元；请确认单位",
            "{cell} is {value} 万元, too large for a 乡/镇/街道 (above {limit} 万元): it was probably typed in 元. "
            "In 元 it would be {intended} 万元; please check the unit"),
      fail_items=("{cell} 为 {value} 万元，{items} 个项目，平均每项 {per_item} 万元，对乡镇街道而言过大"
                  "（每项超过 {limit} 万元）：很可能是按元填写的。如按元计，应为 {intended} 万元；请确认单位",
                  "{cell} is {value} 万元 for {items} items, {per_item} 万元 per item, too large for a 乡/镇/街道 "
                  "(above {limit} 万元 per item): it was probably typed in 元. In 元 it would be {intended} 万元; "
                  "please check the unit"),
      na=("{cell}：无法判断，{absent}", "{cell}: not assessable, {absent}"),
      no_items=("{cell}：无法判断，金额为 {value} 万元，但{items_cell}为 0，无法计算平均每项金额；请核对这两个数值",
                "{cell}: not assessable, {value} 万元 but {items_cell} is 0, so there is no amount per item; "
                "please check both figures"))
_rule("P5", "rule", "warning", ("本年项目数量不为负（2019 年版）", "this year's number of items is not negative (2019 format)"),
      "implied",
      ("第二十条第（五）（六）（八）项每一行：上一年项目数量 + 本年增/减 ≥ 0",
       "for every row of 第二十条第（五）（六）（八）项: 上一年项目数量 + 本年增/减 ≥ 0"),
      pass_=("{row}：上一年项目数量 {previous}，本年增/减 {change}，本年 {previous} {op} {size} = {total} 项",
             "{row}: 上一年项目数量 {previous}, 本年增/减 {change}: {previous} {op} {size} = {total} items this year"),
      fail=("{row}：上一年项目数量 {previous}，本年增/减 {change}，本年 {previous} {op} {size} = {total} 项，"
            "项目数量不能为负：减少的不能多于上一年已有的。是否上一年项目数量漏填成了 0，或本年增/减有误？",
            "{row}: 上一年项目数量 {previous}, 本年增/减 {change}: {previous} {op} {size} = {total} items this year, "
            "and a number of items cannot be negative: no more can go than there were. Was 上一年项目数量 left at 0 "
            "by mistake, or is 本年增/减 wrong?"),
      na=("{row}：无法判断，{absent}", "{row}: not assessable, {absent}"))
_rule("R11", "plausibility", "note", ("叙述与表格一致", "figures in the narrative match the tables"), "heuristic",
      ("叙述中写明的数字 = 表格中的数字（表三各项均取总计列）：收到/新收…申请 = 表三 一；上年结转 = 表三 二；"
       "办结/答复/办理…申请 = 表三 （七）总计；予以公开 = （一）；部分公开 = （二）；予以公开及部分公开 = （一）+（二）；"
       "不予公开 = （三）1–8 之和；无法提供 = （四）1–3 之和；不予处理 = （五）1–5 之和；"
       "其他处理 = （六）（2021 年版为 （六）1–3 之和）；结转下年度 = 表三 四；"
       "行政复议 = 表四 行政复议 总计；行政诉讼 = 表四 未经复议直接起诉 总计 + 复议后起诉 总计；"
       "某项办理结果“占…%”= 该项占 （七）总计 的比例，按文字写出的位数四舍五入（容差为末位的半个单位）；"
       "行政复议或行政诉讼“均获维持”= 表四 该类 结果纠正、其他结果、尚未审结 均为 0；“较去年增加/减少 N 件（N%）”“与上年持平”= 本年与上年报告中该数字之差（百分比按写出的位数）",
       "a figure stated in the narrative = the table's figure (table 三: the 总计 column): 收到/新收…申请 = 表三 一; "
       "上年结转 = 表三 二; 办结/答复/办理…申请 = 表三 （七）总计; 予以公开 = （一）; 部分公开 = （二）; "
       "予以公开及部分公开 = （一）+（二）; 不予公开 = the sum of （三）1–8; 无法提供 = the sum of （四）1–3; "
       "不予处理 = the sum of （五）1–5; 其他处理 = （六） (2021 format: the sum of （六）1–3); 结转下年度 = 表三 四; "
       "行政复议 = 表四 行政复议 总计; 行政诉讼 = 表四 未经复议直接起诉 总计 + 复议后起诉 总计; "
       "a result's “占…%” = its share of （七）总计, to the digits written (within half a unit of the last one); "
       "“均获维持” of 行政复议 or 行政诉讼 = 表四 结果纠正, 其他结果 and 尚未审结 of that kind all 0; "
       "“较去年增加/减少 N 件 (N%)”, “与上年持平” = the difference between this year's and last year's figure "
       "(a percentage to the digits written)"),
      pass_=("{section}写道“{text}”：表{table} {names} 为 {figure}，一致", "{section} says “{text}”: 表{table} {names} is {figure}, the same"),
      fail=("{section}写道“{text}”（{stated}），但表{table} {names} 为 {figure}：请更正文字或表格",
            "{section} says “{text}” ({stated}), but 表{table} {names} is {figure}: correct the text or the table"),
      na=("{section}写道“{text}”：无法判断，表{table}中未填报：{blank}",
          "{section} says “{text}”: not assessable, blank in 表{table}: {blank}"),
      share_pass=("{section}写道“{text}”：表{table} {names} 为 {figure}，占 {total_name} {total} 的 {share}，一致",
                  "{section} says “{text}”: 表{table} {names} is {figure}, {share} of {total_name} {total}, the same"),
      share_fail=("{section}写道“{text}”（{stated}），但表{table} {names} 为 {figure}，占 {total_name} {total} 的 {share}："
                  "请更正文字或表格",
                  "{section} says “{text}” ({stated}), but 表{table} {names} is {figure}, {share} of {total_name} {total}: "
                  "correct the text or the table"),
      share_none=("{section}写道“{text}”：无法判断，表{table} {total_name} 为 0，没有可比的占比",
                  "{section} says “{text}”: not assessable, 表{table} {total_name} is 0, so there is no share to compare"),
      change_pass=("{section}写道“{text}”：表{table} {names} 上年 {then}、本年 {now}，一致",
                   "{section} says “{text}”: 表{table} {names} was {then} last year and is {now}, the same"),
      change_fail=("{section}写道“{text}”，但表{table} {names} 上年 {then}、本年 {now}，实际{actual}：请更正文字或表格",
                   "{section} says “{text}”, but 表{table} {names} was {then} last year and is {now}, in fact {actual}: "
                   "correct the text or the table"),
      change_na_year=("{section}写道“{text}”：无法判断，没有可读的 {year} 年数据文件", "{section} says “{text}”: not assessable, no readable data file for {year}"),
      change_na=("{section}写道“{text}”：无法判断，表{table}中未填报：{blank}", "{section} says “{text}”: not assessable, blank in 表{table}: {blank}"),
      change_up=("增加 {amount}", "up {amount}"),
      change_down=("减少 {amount}", "down {amount}"),
      change_flat=("持平", "unchanged"),
      upheld_pass=("{section}写道“{text}”：表{table} {names} 均为 0，一致",
                   "{section} says “{text}”: 表{table} {names} are all 0, the same"),
      upheld_fail=("{section}写道“{text}”，但表{table} {figures}：请更正文字或表格",
                   "{section} says “{text}”, but 表{table} has {figures}: correct the text or the table"),
      figure=("{cell} {value}", "{cell} {value}"),
      # The figure of a group without a cell of its own (（三）不予公开), named in the messages above.
      items=("{group} 1–{last} 各项·{column}之和", "{group} 1–{last}·{column} (sum of the items)"))


# --- presentation helpers ----------------------------------------------------------------------


def markdown_table(lang: str | None = None) -> str:
    """The README's table of codes: one row per code, in catalogue order."""
    lang = lang or get_lang()
    head = ("| 代码 code | 类别 category | 严重程度 severity | 名称 | title | 来源 origin | 公式 formula |\n"
            "|---|---|---|---|---|---|---|\n")
    rows = []
    for c in CODES.values():
        origin = ORIGINS[c.origin]
        formula = c.formula.render("zh").replace("|", "\\|") if c.formula else ""
        rows.append(f"| `{c.id}` | {CATEGORY_TEXT[c.category].render('zh')} · {CATEGORY_TEXT[c.category].render('en')} "
                    f"| {SEVERITY_TEXT[c.severity].render('zh')} · {c.severity} "
                    f"| {c.title.render('zh')} | {c.title.render('en')} "
                    f"| {origin.render('zh')} · {origin.render('en')} | {formula} |")
    return head + "\n".join(rows) + "\n"


def _update_readme(path: str) -> None:
    """Put the table between the README's ``<!-- codes:start -->`` and ``<!-- codes:end -->``."""
    import re
    from pathlib import Path

    readme = Path(path)
    text = readme.read_text(encoding="utf-8")
    new = re.sub(r"(<!-- codes:start -->\n).*?(<!-- codes:end -->)",
                 lambda m: m.group(1) + markdown_table() + m.group(2), text, count=1, flags=re.S)
    readme.write_text(new, encoding="utf-8")


if __name__ == "__main__":  # python -m xxgk.catalogue [--readme README.md]: the README's table
    import sys

    if sys.argv[1:2] == ["--readme"]:
        _update_readme(sys.argv[2] if len(sys.argv) > 2 else "README.md")
    else:
        print(markdown_table(), end="")
