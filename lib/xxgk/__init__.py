"""xxgk: reproducible 政府信息公开工作年度报告 from checked CSV figures."""

__version__ = "0.1.0"
