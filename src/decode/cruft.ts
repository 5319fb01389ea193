// Web-page cruft, declared once: what a government article page prints around the report —
// navigation, breadcrumbs, share bars, print/close buttons, font-size pickers, view counters.
// The HTML decoder drops elements by their class/id words and lines by their text; the text
// stage (src/normalize/) removes the same buttons and counters from text copied off a page.

/** class/id words of navigation, breadcrumbs, share bars, page footers, sidebars. Not "print": CMSs name the printable article itself so (printContent). */
export const CRUFT_CLASS_WORDS: ReadonlySet<string> = new Set(['nav', 'navbar', 'navigation', 'menu', 'menubar', 'submenu', 'topmenu', 'mainnav', 'subnav', 'breadcrumb', 'breadcrumbs', 'crumb', 'crumbs', 'bread', 'location', 'dqwz', 'weizhi', 'share', 'bdshare', 'fenxiang', 'jiathis', 'social', 'footer', 'foot', 'copyright', 'banquan', 'sidebar', 'toolbar', 'related', 'xgwz', 'xglj', 'pagination', 'pager', 'search', 'searchbox', 'login', 'skip', 'qrcode', 'ewm', 'erweima', 'wza', 'accessibility']);

/** Labels of a page's buttons, printed in brackets: 【打印本页】 【关闭窗口】 [打印]. */
export const BUTTON_LABELS = ['打印', '打印本页', '打印此页', '打印文章', '打印窗口', '关闭', '关闭窗口', '关闭本页', '返回', '返回顶部', '收藏', '收藏本页', '保存', '分享', '字体', '字号', '纠错'];

/** Labels of the where-you-are bar (当前位置：首页 > 政务公开 > …). */
export const LOCATION_LABELS = ['当前位置', '您现在的位置', '您当前的位置', '您所在的位置', '所在位置', '现在位置'];

/** Labels of a view counter (点击数：12). */
export const COUNTER_LABELS = ['点击数', '点击量', '点击次数', '阅读次数', '阅读数', '浏览次数', '访问次数'];

/** Lines that begin so are links between articles, share bars or buttons. */
export const LINK_LINE_STARTS = ['分享到', '扫一扫', '上一篇', '下一篇', '上一条', '下一条', '打印本页', '关闭窗口', '返回顶部'];

/** An alternation of literal words, longest first (so that a longer word wins over its prefix). */
export const alternation = (words: readonly string[]): string => [...words].sort((a, b) => b.length - a.length).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
