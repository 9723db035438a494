"""The checkers' feedback in Chinese: an ordered table of (English regex, Simplified Chinese).

``say(text)`` prints a verdict in the kernel's language (``helpers.i18n.language``): the
English messages of ``messages``, ``numeric``, ``symbolic``, ``labels``, ``diagnose``,
``errors`` and ``functions`` are rewritten here, most specific first; the Traditional edition
converts the result with OpenCC. Hints written in a notebook's code (``hint="..."``) come
from the notebook's translation catalogue (``helpers.i18n.catalogue_phrases``).
"""

from __future__ import annotations

import re

from helpers.exercises.cases_zh import CASES_ZH
from helpers.i18n import catalogue_phrases, localize, phrase

_N = r"(\d+)"

# the exercises' own case texts first, longest first, replaced whole
_CASES = tuple((re.escape(en), zh.replace("\\", "\\\\"))
               for en, zh in sorted(CASES_ZH.items(), key=lambda kv: -len(kv[0])))

FEEDBACK_ZH: tuple[tuple[str, str], ...] = _CASES + (
    # whole messages (messages.py, numeric.py, diagnose.py, symbolic.py, labels.py, check.py)
    (r"your answer is None \(nothing\): did a function forget its `return`, or did you write "
     r"`answer = print\(\.\.\.\)`\? Put the value itself after `answer =`",
     "你的答案是 None（什么也没有）：是不是某个函数忘了 `return`，或者写成了 "
     "`answer = print(...)`？请把值本身写在 `answer =` 后面"),
    (r"your answer is text \(it is in quotes\); write (.+?) without quotes",
     r"你的答案是文本（带了引号）；请不加引号，写出\1"),
    (r"your answer is a function, not its result: call it with \(\.\.\.\) and use what it returns",
     "你的答案是一个函数，而不是它的结果：用 (...) 调用它，再使用它的返回值"),
    (r"part of your answer is still `\.\.\.`: replace every `\.\.\.` with a value",
     "答案中还有 `...`：请把每个 `...` 都换成一个值"),
    (r"the rows of your answer have different lengths: every row needs the same number of "
     r"entries", "答案各行的长度不同：每一行的元素个数必须相同"),
    (r"your answer contains NaN or infinity \(not a number\): was there a division by zero or "
     r"an overflow on the way\?",
      "答案中有 NaN 或无穷大（不是数）：计算中是否除以了零，或者溢出了？"),
    (r"off by one: check where the counting starts and whether the last one counts",
     "差了一：检查从哪里开始数，以及最后一个算不算"),
    (r"your answer is the reciprocal \(1/x\) of the right one: is a fraction upside down\?",
     "你的答案是正确答案的倒数（1/x）：是不是把分数写颠倒了？"),
    (r"the sign is flipped: your answer is minus the right one\. Look for a missing or extra "
     r"minus sign", "符号反了：你的答案是正确答案的相反数。找一找是不是少了或多了一个负号"),
    (r"your matrix is transposed: rows and columns are swapped \(entry \[i\]\[j\] belongs at "
     r"\[j\]\[i\]\)", "你的矩阵转置了：行和列对调了（元素 [i][j] 应在 [j][i] 的位置）"),
    (r"the right values, but in the wrong order: check the order the exercise asks for",
     "数值都对，但顺序不对：请按题目要求的顺序排列"),
    (r"the right values, but in the wrong order: list them from smallest to largest",
     "数值都对，但顺序不对：请从小到大排列"),
    (r"the right values, but in the wrong order: list them from largest to smallest",
     "数值都对，但顺序不对：请从大到小排列"),
    (r"the right numbers, but some are in the wrong places", "数都对，但有些位置不对"),
    (r"off by a factor of 2: your answer is twice the right one\. Is a factor ½ missing, or is "
     r"something counted twice\?",
     "差了 2 倍：你的答案是正确答案的两倍。是不是少了因子 ½，或者有什么算了两次？"),
    (r"off by a factor of 2: your answer is half the right one\. Is there an extra ½, or a "
     r"missing 2 \(the derivative of x² is 2x\)\?",
     "差了 2 倍：你的答案是正确答案的一半。是不是多了一个 ½，或者少了一个 2（x² 的导数是 2x）？"),
    (r"that is not right \(True or False\?\)", "不对（是 True 还是 False？）"),
    (r"that is not the right answer \(text is compared ignoring case and spaces\)",
     "答案不对（比较文本时不区分大小写，忽略空格）"),
    (r"that is not the right kind of point \(the labels are (.+)\)",
     r"点的类型不对（可用的标签有 \1）"),
    (r"'(.*)' is not a label I know: answer with ", r"“\1”不是已知的标签：请回答"),
    (r"it does not pass the check", "没有通过检查"),
    (r"could not check it \((.*)\)", r"无法检查这个答案（\1）"),
    (r"could not compare your result \((\w+)\)", r"无法比较你的结果（\1）"),
    (r"not the right number yet: yours is too large", "数值还不对：你的偏大"),
    (r"not the right number yet: yours is too small", "数值还不对：你的偏小"),
    (r"not the right expression yet", "表达式还不对"),
    (r"your answer uses the symbol\(s\) (.+?); the answer is an expression in (.+)",
     r"你的答案用到了符号 \1；答案应是关于 \2 的表达式"),
    (r"your answer still contains the symbol\(s\) (.+?): substitute numbers first, e\.g\. with "
     r"\.subs\(\{\.\.\.\}\)", r"你的答案里还有符号 \1：请先代入数值，例如用 .subs({...})"),
    (r"a set has no order; expected (.+?) \(use a list \[\.\.\.\] instead\)",
     r"集合没有顺序；要的是\1（请改用列表 [...]）"),
    (r"your answer is a generator; wrap it in list\(\.\.\.\) to get ",
     "你的答案是一个生成器；用 list(...) 包起来，得到"),
    (r"your results are in the wrong order: return ", "结果的顺序不对：应为 return "),
    (rf"expected {_N} results returned together \(return (.+?)\); your function returned ",
     r"要的是一起返回的 \1 个结果（return \2）；你的函数返回的是"),
    (r"your function cannot be called as (.+?): keep the first line of the stub, def (.+?):, "
     r"as given", r"你的函数不能以 \1 的方式调用：请保持模板的第一行 def \2: 不变"),
    (r"expected your function (\w+) itself \(its name, without calling it\); got ",
     r"要交的是函数 \1 本身（只写函数名，不要调用它）；你交的是"),
    # check_function's report (functions.py)
    (rf"all {_N} cases pass\.", r"全部 \1 个用例都通过了。"),
    (r"not done yet: write the body of (\w+) \(in place of `raise NotImplementedError`\) and "
     r"run the cell again\.", r"还没有完成：写出 \1 的函数体（替换 `raise NotImplementedError`），"
     r"再运行本单元格。"),
    (rf"case {_N} of {_N} \((.*?)\)(, at step {_N})? raised an error in your code:",
     r"第 \1 个用例（共 \2 个；\3）\4出错了，错误在你的代码中："),
    (rf"case {_N} of {_N} \((.*?)\)(, at step {_N})? is not right yet:",
     r"第 \1 个用例（共 \2 个；\3）\4还不对："),
    (rf", at step {_N}", r"，第 \1 步"),
    (r"(?m)^    input:    ", "    输入：  "),
    (r"(?m)^    expected: ", "    期望：  "),
    (r"(?m)^    returned: ", "    返回：  "),
    (r"(?m)^    why:      ", "    原因：  "),
    (r"(?m)^    note:     ", "    提示：  "),
    (r"(?m)^(\s*)Advice: ", r"\1建议："),
    # errors.py advice
    (r"An index is past the end: a list of n items has the indices 0 to n − 1, and a spectrum "
     r"may have just one eigenvalue\.",
     "下标越界：n 项的列表下标是 0 到 n − 1，而一个谱可能只有一个特征值。"),
    (r"That key is not in the dictionary: print its keys\(\) to see which exist\.",
     "字典里没有这个键：打印它的 keys() 看看有哪些键。"),
    (r"Something on this line divides by zero: which denominator can be 0 for this input\?",
     "这一行有除以零的运算：对这个输入，哪个分母可能为 0？"),
    (r"A name on this line is not defined: check its spelling, and use the function's "
     r"arguments rather than variables from other cells\.",
     "这一行有未定义的名字：检查拼写，并使用函数的参数，而不是其他单元格里的变量。"),
    (r"This object has no attribute of that name: check the spelling and the object's type "
     r"\(print\(type\(x\)\)\)\.",
      "这个对象没有这个名字的属性：检查拼写和对象的类型（print(type(x))）。"),
    (r"A variable is used before it gets a value on every path through your function: give it "
     r"a value first\.", "函数中某条路径上的变量在赋值之前就被使用了：请先给它赋值。"),
    (r"Your function keeps calling itself without stopping\.",
     "你的函数不停地调用自己，停不下来。"),
    (r"The matrix is not what this linear-algebra function needs \(square, symmetric or "
     r"invertible\?\)\.", "这个矩阵不符合这个线性代数函数的要求（方阵？对称？可逆？）。"),
    (r"A value has the wrong shape or content for this operation: print the shapes \(x\.shape\) "
     r"of the arrays on this line\.",
      "某个值的形状或内容不适合这个运算：打印这一行中各数组的形状（x.shape）。"),
    (r"A value on this line has a different type than the operation expects: print the types "
     r"of the values used here\.",
      "这一行某个值的类型与运算要求的不同：打印这里用到的各个值的类型。"),
    (r"Print the values used on this line to see which one is not what you expected\.",
     "打印这一行用到的值，看看哪一个与你预想的不同。"),
    (r"A value on this line is None: a function you call has no `return`, or an argument is "
     r"None \(at the first step, for example\)\.",
     "这一行有一个值是 None：你调用的某个函数没有 `return`，或者某个参数是 None（例如在第一步）。"),
    (r"An array was used where one True/False is needed \(if, and, or\): use \.all\(\), "
     r"\.any\(\) or compare single numbers\.",
     "在需要单个 True/False 的地方（if、and、or）用了数组：请用 .all()、.any()，或比较单个数。"),
    (r"(?m)^File \"(.+?)\", line ", r'File "\1", 第 '),
    # pieces of composed messages
    (r"wrong shape: expected ", "形状不对：要的是"),
    (r", yours is ", "，你的是"),
    (r", your answer is ", "，你的答案是"),
    (r" \(rows and columns swapped\?\)", "（行和列弄反了？）"),
    (r" \(the right number of entries: write the matrix as rows, \[\[a, b\], \[c, d\]\]\)",
     "（元素个数是对的：请按行写出矩阵，[[a, b], [c, d]]）"),
    (r", your answer is a single expression", "，你的答案是单个表达式"),
    (rf", your answer has {_N} entries", r"，你的答案有 \1 个元素"),
    (r"; your answer is a plain number \(keep the symbols\)", "；你的答案是一个纯数（请保留符号）"),
    (rf"expected a list of {_N} labels; your answer is ",
     r"要的是由 \1 个标签组成的列表；你的答案是"),
    (r"expected a label \(text in quotes\), ", "要的是一个标签（带引号的文本），"),
    (rf"item {_N} \(counting from 0\): ", r"第 \1 项（从 0 开始数）："),
    (r"expected True or False; your answer is ", "要的是 True 或 False；你的答案是"),
    (r"your answer holds True/False values; expected ", "你的答案里是 True/False 值；要的是"),
    (r"your answer is True/False; expected ", "你的答案是 True/False；要的是"),
    (r"your answer has complex numbers \(with an imaginary part\); expected ",
     "你的答案里有复数（带虚部）；要的是"),
    (r"your answer holds (.+?), which is not a number; expected ",
     r"你的答案里有\1，它不是数；要的是"),
    (rf"{_N} of the {_N} entries (?:is|are) not right yet", r"\2 个元素中有 \1 个还不对"),
    (r"('[^']*') or ('[^']*')", r"\1 或 \2"),
    (r"one of (?=')", "以下之一："),
    (r"a text answer in quotes", "带引号的文本答案"),
    (r"; your answer is a dictionary; expected ", "；你的答案是一个字典；要的是"),
    (r"your answer is a dictionary; expected ", "你的答案是一个字典；要的是"),
    (r"your answer is (.+?); expected ", r"你的答案是\1；要的是"),
    (r"; your answer is ", "；你的答案是"),
    (r"; expected ", "；要的是"),
    (r"^expected ", "要的是"),
    (r"(?<=[：；])expected ", "要的是"),
    # what an answer is (messages.shape_words, kind_of, symbolic.expected_words)
    (rf"a list of {_N} entries of expressions in ([\w, ]+)", r"由 \1 个关于 \2 的表达式组成的列表"),
    (rf"a {_N}×{_N} matrix of expressions in ([\w, ]+)", r"由关于 \3 的表达式组成的 \1×\2 矩阵"),
    (r"an expression in ([\w, ]+)", r"一个关于 \1 的表达式"),
    (rf"a list of {_N} numbers", r"由 \1 个数组成的列表"),
    (rf"a {_N}×{_N} matrix", r"一个 \1×\2 矩阵"),
    (r"an array of shape (\(.*?\))", r"形状为 \1 的数组"),
    (r"a single number", "一个数"),
    (r"a sympy expression", "一个 sympy 表达式"),
    (rf"a (list|tuple) of {_N} items?", r"一个含 \2 项的 \1"),
    (r"a generator \(an iterator\)", "一个生成器（迭代器）"),
    (r"a dictionary", "一个字典"),
    (r"a function", "一个函数"),
    (r"a module", "一个模块"),
    (r"a type", "一个类型"),
    (r"a set", "一个集合"),
    (r"(?<=[是有])text(?=[；，。.]|$)", "文本"),
    # the verdict line and the hint (messages.verdict_line, check.check)
    (r"^✓ Correct", "✓ 正确"),
    (r"^✗ Not yet", "✗ 还不对"),
    (r"^… Not attempted", "… 尚未作答"),
    (r"replace \.\.\. with your answer and run the cell again\.",
     "把 ... 换成你的答案，再运行本单元格。"),
    (rf"Exercise {_N}", r"练习 \1"),
    (r"\bExercise\b", "练习"),
    (r"^(.{1,3} [^:\n]*?\S) — ([^:\n]+): ", r"\1 — \2："),
    (r" Hint: ", " 提示："),
    (r"：expected ", "：要的是"),
    (r"(?<!\.)\.(?= 提示)", "。"),
    (r"(?m)(?<!\.)\.$", "。"),
)


def localized(text: str) -> str:
    """``text`` (a checker's message) in the kernel's language."""
    return localize(text, FEEDBACK_ZH)


def hint_text(hint: str) -> str:
    """A hint written in a notebook's code, in the kernel's language (from the catalogue)."""
    return phrase(hint, catalogue_phrases()) if hint else hint


def say(text: str) -> None:
    """Print a checker's message in the kernel's language."""
    print(localized(text))
