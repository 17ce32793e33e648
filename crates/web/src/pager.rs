//! Page-by-page lists: long lists (all plans, a department's tasks across hundreds of plans)
//! are cut into pages of [`PAGE_SIZE`] rows with 上一页/下一页 links.

pub const PAGE_SIZE: usize = 200;

/// Where a list page is and how to reach its neighbours.
pub struct Pager {
    pub page: usize,
    pub pages: usize,
    pub total: usize,
    pub prev: String,
    pub next: String,
}

impl Pager {
    /// Cuts `items` to page `page` (1-based, clamped); `href(n)` links page n.
    pub fn cut<T>(items: Vec<T>, page: Option<usize>, href: impl Fn(usize) -> String) -> (Vec<T>, Pager) {
        let total = items.len();
        let pages = total.div_ceil(PAGE_SIZE).max(1);
        let page = page.unwrap_or(1).clamp(1, pages);
        let rows = items.into_iter().skip((page - 1) * PAGE_SIZE).take(PAGE_SIZE).collect();
        let prev = if page > 1 { href(page - 1) } else { String::new() };
        let next = if page < pages { href(page + 1) } else { String::new() };
        (rows, Pager { page, pages, total, prev, next })
    }

    /// Whether there is more than one page (templates show the links only then).
    pub fn many(&self) -> bool {
        self.pages > 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_and_links() {
        let (rows, p) = Pager::cut((0..450).collect::<Vec<_>>(), Some(2), |n| format!("?page={n}"));
        assert_eq!(rows.len(), 200);
        assert_eq!(rows[0], 200);
        assert_eq!((p.page, p.pages, p.total), (2, 3, 450));
        assert_eq!((p.prev.as_str(), p.next.as_str()), ("?page=1", "?page=3"));
        let (rows, p) = Pager::cut((0..450).collect::<Vec<_>>(), Some(99), |n| format!("?page={n}"));
        assert_eq!((rows.len(), p.page, p.next.as_str()), (50, 3, ""));
        let (rows, p) = Pager::cut(Vec::<u8>::new(), None, |n| format!("?page={n}"));
        assert!(rows.is_empty() && !p.many());
    }
}
