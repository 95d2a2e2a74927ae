"""Traditional Chinese characters folded to simplified ones, for grading typed answers.

A small table, not a converter: the characters of the course's terms (glossary names and aliases,
accepted short answers) and common function words, whose traditional form differs. One-to-one
per character is enough here because answers are compared after folding both sides.
"""

from __future__ import annotations

# traditional → simplified, written as pairs of strings of the same length
_TRADITIONAL = (
    "專兩個習於關僅優內準則刪製務單參雙變塊復複頭學實對層師並併庫應異張歸徑憶擴損換據數無時機權構標樣檔殘氣匯彙測遊點熱環現監碼積係繫級線練經絡統續編縮網聯節範虛規覺計訓記識詞詢語調負躍軟遷運連適遞採鍵長問陣隨預題饋餾"
    "為與這後會來說們過還發開種動產錯誤確選項邏輯億萬幾體資檢強處類圖視聲輸濾歷階鏈溫貪緩顯壓隱狀態別譯齊獎勵頻條減轉試驗評話門間號麼裡裏頁們歲讀寫書筆畫畫義"
)
_SIMPLIFIED = (
    "专两个习于关仅优内准则删制务单参双变块复复头学实对层师并并库应异张归径忆扩损换据数无时机权构标样档残气汇汇测游点热环现监码积系系级线练经络统续编缩网联节范虚规觉计训记识词询语调负跃软迁运连适递采键长问阵随预题馈馏"
    "为与这后会来说们过还发开种动产错误确选项逻辑亿万几体资检强处类图视声输滤历阶链温贪缓显压隐状态别译齐奖励频条减转试验评话门间号么里里页们岁读写书笔画画义"
)
TABLE = str.maketrans(_TRADITIONAL, _SIMPLIFIED)


def simplified(text: str) -> str:
    return text.translate(TABLE)
