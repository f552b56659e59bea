"""Fieldaudit PDF and chart builders: plain data in (reports.data), PDF or SVG bytes out; no database, no request.

Entry points: reports.visit.build_visit_report, reports.branch.build_branch_report, reports.region.build_region_report
(each takes its dataclass from reports.data and returns PDF bytes), and reports.charts (Drawings for PDF and SVG).
"""
