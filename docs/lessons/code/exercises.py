# The exercises' index page: the table of assignments, written from course.toml when the site is
# built (markdown-exec prints Markdown; its links are site URLs, which it does not rewrite).
# ruff: noqa: E402
# --8<-- [start:table]
from mgc.course.manifest import load

print("| assignment | notebook | exercises | points |")
print("|---|---|---|---|")
for a in load().assignments:
    notebook = a.notebook_name
    download = f"[:material-download: {notebook}]({a.id}/{notebook}){{ download }}"
    print(f"| [{a.title}]({a.id}/) | {download} | {len(a.exercises)} | {a.max_score:g} |")
# --8<-- [end:table]

# --8<-- [start:table-zh]
from mgc.course.manifest import load

TITLES = {"derivatives": "导数", "engine": "Value 引擎", "nn": "神经网络", "softmax": "Softmax"}
print("| 作业 | notebook | 练习数 | 分数 |")
print("|---|---|---|---|")
for a in load().assignments:
    notebook = a.notebook_name
    chinese = f"../../exercises/{a.id}/{a.id}.zh.ipynb"  # served beside the English one
    download = f'[:material-download: {notebook}（中文版）]({chinese}){{ download="{notebook}" }}'
    print(f"| [{TITLES.get(a.id, a.title)}]({a.id}/) | {download} | {len(a.exercises)} | {a.max_score:g} |")
# --8<-- [end:table-zh]
