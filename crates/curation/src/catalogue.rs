//! The catalogue: every website a project has seen, computed from its search results, its
//! crawled pages and their outlinks, with the project's curation laid over it. A URL belongs
//! to the most specific stored unit that covers it (see [`crate::actors`]), else to its
//! registrable domain; a merged website speaks through the actor it is merged into, whose
//! status, name and categories hold for all of its websites.
//!
//! Pure: the service reads the rows and hands them in.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use search::urlnorm::{WebUrl, normalize};
use serde::{Deserialize, Serialize};
use store::{ProjectPage, ProjectSearchResult, ProjectWebsite, WebsiteId, WebsiteStatus};

use crate::actors::{ActorMap, ActorUnit};

/// Outlinks read per page: a hostile page may list millions.
pub const MAX_OUTLINKS_PER_PAGE: usize = 5_000;
/// Merge chains followed this far; anything longer (or circular) stops at itself.
const MAX_MERGE_HOPS: usize = 32;

/// How a website came into the project, strongest last.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Added by a researcher and not (yet) seen in the project's data.
    Curated,
    /// Only known from the outlinks of crawled pages.
    Link,
    /// Crawled (a seed URL given by hand, or pages of it).
    Crawl,
    /// In the results of a search.
    Search,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Curated => "curated",
            Origin::Link => "link",
            Origin::Crawl => "crawl",
            Origin::Search => "search",
        }
    }
}

/// What a website starts as, by how it was found (the project's settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Defaults {
    /// Found by a search (or crawled from seeds the researcher gave).
    pub search: WebsiteStatus,
    /// Discovered through a link (or added by hand).
    pub link: WebsiteStatus,
}

impl Defaults {
    pub fn of(project: &store::Project) -> Self {
        Self {
            search: project.search_status,
            link: project.link_status,
        }
    }

    pub fn for_origin(self, origin: Origin) -> WebsiteStatus {
        match origin {
            Origin::Search | Origin::Crawl => self.search,
            Origin::Link | Origin::Curated => self.link,
        }
    }
}

/// A query whose results reached a website.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct QueryRank {
    pub query: String,
    /// Its best (lowest) rank for the website.
    pub best_rank: i64,
    /// Its results on the website.
    pub results: u32,
}

/// One website of the catalogue.
#[derive(Debug, Clone)]
pub struct Website {
    /// `None` until the service stores a discovered website.
    pub id: Option<WebsiteId>,
    pub unit: ActorUnit,
    pub origin: Origin,
    /// The status a researcher set (`None`: the default for the origin).
    pub status_set: Option<WebsiteStatus>,
    pub name: Option<String>,
    pub categories: BTreeMap<String, String>,
    /// The website (index) it is merged into.
    merged_into: Option<usize>,
    pub queries: BTreeMap<String, QueryRank>,
    pub results: u32,
    pub pages: u32,
    /// Websites (indices) with crawled pages linking here.
    linked_from: BTreeSet<usize>,
    pub first_seen: Option<DateTime<Utc>>,
    pub last_seen: Option<DateTime<Utc>>,
    /// A search snippet, or the title or description of a crawled page.
    pub snippet: Option<String>,
    /// The first URL seen on it.
    pub example_url: Option<String>,
}

impl Website {
    fn new(id: Option<WebsiteId>, unit: ActorUnit, origin: Origin) -> Self {
        Website {
            id,
            unit,
            origin,
            status_set: None,
            name: None,
            categories: BTreeMap::new(),
            merged_into: None,
            queries: BTreeMap::new(),
            results: 0,
            pages: 0,
            linked_from: BTreeSet::new(),
            first_seen: None,
            last_seen: None,
            snippet: None,
            example_url: None,
        }
    }

    fn seen(&mut self, at: DateTime<Utc>, url: &str) {
        self.first_seen = Some(self.first_seen.map_or(at, |t| t.min(at)));
        self.last_seen = Some(self.last_seen.map_or(at, |t| t.max(at)));
        if self.example_url.is_none() {
            self.example_url = Some(url.to_owned());
        }
    }
}

/// Where a URL belongs: its actor's key (the lead unit, `tv2.dk`) and status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub key: String,
    pub status: WebsiteStatus,
    /// The actor's lead website in the catalogue (`None`: a domain it has not seen).
    pub actor: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Catalogue {
    websites: Vec<Website>,
    stored: ActorMap<usize>,
    /// Domains seen without a stored unit covering them.
    discovered: HashMap<String, usize>,
    /// Per website, the lead of its actor; filled by `settle`.
    lead: Vec<usize>,
    /// Per website, the status of its actor; filled by `settle`.
    status: Vec<WebsiteStatus>,
    defaults: Defaults,
}

impl Catalogue {
    /// The catalogue of the stored websites and the project's data.
    pub fn build(
        defaults: Defaults,
        stored: &[ProjectWebsite],
        results: &[ProjectSearchResult],
        pages: &[ProjectPage],
    ) -> Catalogue {
        let mut websites = Vec::with_capacity(stored.len());
        let mut by_id = HashMap::new();
        let mut units = Vec::with_capacity(stored.len());
        for row in stored {
            let unit = ActorUnit::parse(&row.unit).unwrap_or_else(|_| ActorUnit::Domain(row.unit.clone()));
            let mut website = Website::new(Some(row.id), unit.clone(), Origin::Curated);
            website.status_set = row.status;
            website.name = row.name.clone();
            website.categories = row.categories.clone();
            by_id.insert(row.id, websites.len());
            units.push((unit, websites.len()));
            websites.push(website);
        }
        for (i, row) in stored.iter().enumerate() {
            websites[i].merged_into = row.merged_into.and_then(|id| by_id.get(&id).copied());
        }
        let mut catalogue = Catalogue {
            websites,
            stored: ActorMap::new(units),
            discovered: HashMap::new(),
            lead: Vec::new(),
            status: Vec::new(),
            defaults,
        };

        for r in results {
            let Ok(url) = normalize(&r.url) else { continue };
            let i = catalogue.locate(&url, Origin::Search);
            let w = &mut catalogue.websites[i];
            w.results += 1;
            w.seen(r.fetched_at, &url.normalized);
            let q = w.queries.entry(r.query.clone()).or_insert_with(|| QueryRank {
                query: r.query.clone(),
                best_rank: r.rank,
                results: 0,
            });
            q.best_rank = q.best_rank.min(r.rank);
            q.results += 1;
            if w.snippet.is_none() {
                w.snippet = r
                    .snippet
                    .clone()
                    .or_else(|| r.title.clone())
                    .filter(|s| !s.trim().is_empty());
            }
        }
        for p in pages {
            let Ok(url) = normalize(&p.url) else { continue };
            let source = catalogue.locate(&url, Origin::Crawl);
            let w = &mut catalogue.websites[source];
            w.pages += 1;
            w.seen(p.fetched_at, &url.normalized);
            if w.snippet.is_none() {
                w.snippet = p
                    .description
                    .clone()
                    .or_else(|| p.title.clone())
                    .filter(|s| !s.trim().is_empty());
            }
            for link in p.outlinks.iter().take(MAX_OUTLINKS_PER_PAGE) {
                let Ok(target_url) = normalize(link) else { continue };
                let target = catalogue.locate(&target_url, Origin::Link);
                if target != source {
                    let t = &mut catalogue.websites[target];
                    t.linked_from.insert(source);
                    t.seen(p.fetched_at, &target_url.normalized);
                }
            }
        }
        catalogue.settle();
        catalogue
    }

    /// The website a URL belongs to, added (as its domain) when none covers it.
    fn locate(&mut self, url: &WebUrl, origin: Origin) -> usize {
        let i = match self.stored.resolve(url).copied() {
            Some(i) => i,
            None => match self.discovered.get(&url.domain) {
                Some(&i) => i,
                None => {
                    let i = self.websites.len();
                    let unit = ActorUnit::Domain(url.domain.clone());
                    self.websites.push(Website::new(None, unit, origin));
                    self.discovered.insert(url.domain.clone(), i);
                    i
                }
            },
        };
        let w = &mut self.websites[i];
        w.origin = w.origin.max(origin);
        i
    }

    /// Works out every website's actor and the actor's status.
    fn settle(&mut self) {
        let n = self.websites.len();
        self.lead = (0..n)
            .map(|i| {
                let mut at = i;
                let mut path = vec![i];
                while let Some(next) = self.websites[at].merged_into {
                    if path.contains(&next) || path.len() > MAX_MERGE_HOPS {
                        return i;
                    }
                    path.push(next);
                    at = next;
                }
                at
            })
            .collect();
        let mut actor_origin: Vec<Origin> = self.websites.iter().map(|w| w.origin).collect();
        for i in 0..n {
            let lead = self.lead[i];
            actor_origin[lead] = actor_origin[lead].max(self.websites[i].origin);
        }
        self.status = (0..n)
            .map(|i| {
                let lead = self.lead[i];
                self.websites[lead]
                    .status_set
                    .unwrap_or_else(|| self.defaults.for_origin(actor_origin[lead]))
            })
            .collect();
    }

    /// Whether the project refined or merged any website (a URL's actor then depends on
    /// more than its domain).
    pub fn refined(&self) -> bool {
        self.websites
            .iter()
            .any(|w| w.id.is_some() && (!matches!(w.unit, ActorUnit::Domain(_)) || w.merged_into.is_some()))
    }

    /// What a website found this way starts as.
    pub fn default_for(&self, origin: Origin) -> WebsiteStatus {
        self.defaults.for_origin(origin)
    }

    pub fn websites(&self) -> &[Website] {
        &self.websites
    }

    pub fn len(&self) -> usize {
        self.websites.len()
    }

    pub fn is_empty(&self) -> bool {
        self.websites.is_empty()
    }

    /// Gives discovered websites the ids the store gave their units.
    pub fn assign_ids(&mut self, ids: &HashMap<String, WebsiteId>) {
        for w in &mut self.websites {
            if w.id.is_none() {
                w.id = ids.get(&w.unit.key()).copied();
            }
        }
    }

    pub fn index_of(&self, id: WebsiteId) -> Option<usize> {
        self.websites.iter().position(|w| w.id == Some(id))
    }

    pub fn index_of_unit(&self, unit: &ActorUnit) -> Option<usize> {
        self.websites.iter().position(|w| &w.unit == unit)
    }

    /// The lead website of `i`'s actor.
    pub fn lead(&self, i: usize) -> usize {
        self.lead[i]
    }

    /// The status of `i`'s actor (a merged website has its actor's).
    pub fn status(&self, i: usize) -> WebsiteStatus {
        self.status[i]
    }

    /// Whether a researcher merged `i` into another website.
    pub fn merged_into(&self, i: usize) -> Option<usize> {
        self.websites[i].merged_into
    }

    /// The actor's name: the lead's name, else its unit.
    pub fn actor_label(&self, lead: usize) -> String {
        let w = &self.websites[lead];
        w.name.clone().unwrap_or_else(|| w.unit.key())
    }

    /// The registrable domains an actor's units lie in, by its key (`tv2.dk`,
    /// `tv2.dk/sport`); an actor the catalogue has not stored is its key's domain.
    pub fn actor_domains(&self, key: &str) -> BTreeSet<String> {
        let leads: Vec<usize> = (0..self.websites.len())
            .filter(|&i| self.lead[i] == i && self.websites[i].unit.key() == key)
            .collect();
        let mut domains: BTreeSet<String> = (0..self.websites.len())
            .filter(|&i| leads.contains(&self.lead[i]))
            .map(|i| self.websites[i].unit.domain())
            .collect();
        if domains.is_empty()
            && let Ok(unit) = ActorUnit::parse(key)
        {
            domains.insert(unit.domain());
        }
        domains
    }

    /// The actors (leads) of the IN websites linking to `i`, not `i`'s own actor.
    pub fn inlinks_from_in(&self, i: usize) -> BTreeSet<usize> {
        let own = self.lead[i];
        self.websites[i]
            .linked_from
            .iter()
            .map(|&s| self.lead[s])
            .filter(|&s| s != own && self.status[s] == WebsiteStatus::In)
            .collect()
    }

    /// The same for a whole actor: links into any of its websites.
    pub fn actor_inlinks_from_in(&self, lead: usize) -> BTreeSet<usize> {
        (0..self.websites.len())
            .filter(|&i| self.lead[i] == lead)
            .flat_map(|i| self.inlinks_from_in(i))
            .collect()
    }

    /// Where `url` belongs. A URL on a domain the catalogue has not seen is that domain,
    /// with the status a link-discovered website starts with.
    pub fn resolve(&self, url: &WebUrl) -> Resolved {
        let found = self
            .stored
            .resolve(url)
            .copied()
            .or_else(|| self.discovered.get(&url.domain).copied());
        match found {
            Some(i) => {
                let lead = self.lead[i];
                Resolved {
                    key: self.websites[lead].unit.key(),
                    status: self.status[i],
                    actor: Some(lead),
                }
            }
            None => Resolved {
                key: url.domain.clone(),
                status: self.defaults.for_origin(Origin::Link),
                actor: None,
            },
        }
    }

    /// [`Catalogue::resolve`] for URL text; `None` when it is not an http(s) URL.
    pub fn resolve_url(&self, url: &str) -> Option<Resolved> {
        normalize(url).ok().map(|u| self.resolve(&u))
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, h, 0, 0).unwrap()
    }

    fn result(query: &str, rank: i64, url: &str, h: u32) -> ProjectSearchResult {
        ProjectSearchResult {
            session_id: store::SearchSessionId::new(1),
            query: query.into(),
            rank,
            url: url.into(),
            title: Some(format!("title of {url}")),
            snippet: None,
            fetched_at: at(h),
        }
    }

    fn page(url: &str, links: &[&str], h: u32) -> ProjectPage {
        ProjectPage {
            url: url.into(),
            title: None,
            description: Some(format!("about {url}")),
            outlinks: links.iter().map(|s| (*s).to_owned()).collect(),
            fetched_at: at(h),
        }
    }

    fn row(id: i64, unit: &str) -> ProjectWebsite {
        ProjectWebsite {
            id: WebsiteId::new(id),
            project_id: store::ProjectId::new(1),
            unit: unit.into(),
            kind: ActorUnit::parse(unit).unwrap().kind().into(),
            status: None,
            name: None,
            categories: BTreeMap::new(),
            merged_into: None,
            created_at: at(0),
            updated_at: at(0),
        }
    }

    const DEFAULTS: Defaults = Defaults {
        search: WebsiteStatus::In,
        link: WebsiteStatus::Undecided,
    };

    fn by_key<'a>(c: &'a Catalogue, key: &str) -> (usize, &'a Website) {
        let i = c
            .websites()
            .iter()
            .position(|w| w.unit.key() == key)
            .unwrap_or_else(|| panic!("{key} missing"));
        (i, &c.websites()[i])
    }

    #[test]
    fn websites_come_from_results_pages_and_outlinks_with_their_defaults() {
        let results = [
            result("vindmøller", 3, "https://www.ens.dk/a", 1),
            result("vindmøller", 1, "https://ens.dk/b", 2),
            result("havvind", 2, "https://ens.dk/c", 3),
            result("havvind", 1, "https://dr.dk/nyheder", 1),
        ];
        let pages = [
            page(
                "https://ens.dk/a",
                &["https://dr.dk/x", "https://wiki.org/y", "https://ens.dk/z"],
                5,
            ),
            page(
                "https://dr.dk/nyheder",
                &["https://wiki.org/q", "mailto:x@y.dk"],
                6,
            ),
        ];
        let c = Catalogue::build(DEFAULTS, &[], &results, &pages);
        assert_eq!(c.len(), 3);

        let (ens, w) = by_key(&c, "ens.dk");
        assert_eq!(w.origin, Origin::Search);
        assert_eq!(c.status(ens), WebsiteStatus::In);
        assert_eq!(w.results, 3);
        assert_eq!(w.pages, 1);
        assert_eq!(w.queries["vindmøller"].best_rank, 1);
        assert_eq!(w.queries["vindmøller"].results, 2);
        assert_eq!(w.queries["havvind"].best_rank, 2);
        assert_eq!((w.first_seen, w.last_seen), (Some(at(1)), Some(at(5))));
        assert_eq!(w.snippet.as_deref(), Some("title of https://www.ens.dk/a"));

        let (wiki, w) = by_key(&c, "wiki.org");
        assert_eq!(w.origin, Origin::Link);
        assert_eq!(c.status(wiki), WebsiteStatus::Undecided);
        assert_eq!((w.results, w.pages), (0, 0));
        assert_eq!((w.first_seen, w.last_seen), (Some(at(5)), Some(at(6))));
        // Both IN websites link to it; a site's links to itself do not count.
        let from: Vec<String> = c
            .inlinks_from_in(wiki)
            .iter()
            .map(|&i| c.websites()[i].unit.key())
            .collect();
        assert_eq!(from, ["ens.dk", "dr.dk"]);
        assert!(c.inlinks_from_in(ens).is_empty());
    }

    #[test]
    fn stored_units_refine_merge_and_set_status() {
        let mut tv2 = row(1, "tv2.dk");
        tv2.name = Some("TV 2".into());
        tv2.categories.insert("sector".into(), "media".into());
        let mut nyheder = row(2, "nyheder.tv2.dk");
        nyheder.merged_into = Some(WebsiteId::new(1));
        let sport = row(3, "tv2.dk/sport");
        let mut wiki = row(4, "wiki.org");
        wiki.status = Some(WebsiteStatus::Out);
        let results = [
            result("q", 1, "https://nyheder.tv2.dk/a", 1),
            result("q", 2, "https://tv2.dk/sport/b", 1),
            result("q", 3, "https://wiki.org/c", 1),
        ];
        let pages = [page(
            "https://tv2.dk/sport/b",
            &["https://nyheder.tv2.dk/x", "https://dr.dk/"],
            2,
        )];
        let c = Catalogue::build(DEFAULTS, &[tv2, nyheder, sport, wiki], &results, &pages);

        let (ny, w) = by_key(&c, "nyheder.tv2.dk");
        assert_eq!(w.results, 1);
        let (tv2, _) = by_key(&c, "tv2.dk");
        assert_eq!(c.lead(ny), tv2);
        assert_eq!(c.actor_label(c.lead(ny)), "TV 2");
        // The merged actor is IN: the lead has no status of its own and its websites were
        // found by a search.
        assert_eq!(c.status(tv2), WebsiteStatus::In);

        let resolved = c.resolve_url("https://nyheder.tv2.dk/samfund").unwrap();
        assert_eq!(
            (resolved.key.as_str(), resolved.status),
            ("tv2.dk", WebsiteStatus::In)
        );
        let resolved = c.resolve_url("https://tv2.dk/sport/fodbold").unwrap();
        assert_eq!(resolved.key, "tv2.dk/sport");
        let resolved = c.resolve_url("https://wiki.org/").unwrap();
        assert_eq!(resolved.status, WebsiteStatus::Out);
        let resolved = c.resolve_url("https://never-seen.example/").unwrap();
        assert_eq!(
            (resolved.key.as_str(), resolved.actor),
            ("never-seen.example", None)
        );
        assert_eq!(resolved.status, WebsiteStatus::Undecided);

        // The sport section links to the news host: a link between two actors.
        let (sport, _) = by_key(&c, "tv2.dk/sport");
        assert_eq!(c.inlinks_from_in(ny).into_iter().collect::<Vec<_>>(), [sport]);
        assert_eq!(
            c.actor_inlinks_from_in(tv2).into_iter().collect::<Vec<_>>(),
            [sport]
        );
        let (dr, w) = by_key(&c, "dr.dk");
        assert_eq!((w.origin, w.id), (Origin::Link, None));
        assert_eq!(c.inlinks_from_in(dr).len(), 1);

        // Where an actor's pages are: the domains of every unit it is made of.
        let domains = |key: &str| c.actor_domains(key).into_iter().collect::<Vec<_>>();
        assert_eq!(domains("tv2.dk"), ["tv2.dk"]);
        assert_eq!(domains("tv2.dk/sport"), ["tv2.dk"]);
        assert_eq!(domains("never-seen.example"), ["never-seen.example"]);
        assert_eq!(domains("www.shop.co.uk"), ["shop.co.uk"]);
    }

    #[test]
    fn a_circular_merge_stops_at_each_website() {
        let mut a = row(1, "a.dk");
        a.merged_into = Some(WebsiteId::new(2));
        let mut b = row(2, "b.dk");
        b.merged_into = Some(WebsiteId::new(1));
        let c = Catalogue::build(DEFAULTS, &[a, b], &[], &[]);
        assert_eq!((c.lead(0), c.lead(1)), (0, 1));
        assert_eq!(c.websites()[0].origin, Origin::Curated);
        assert_eq!(c.status(0), WebsiteStatus::Undecided);
    }

    #[test]
    fn outlinks_per_page_are_bounded() {
        let links: Vec<String> = (0..MAX_OUTLINKS_PER_PAGE + 100)
            .map(|i| format!("https://site{i}.example/"))
            .collect();
        let refs: Vec<&str> = links.iter().map(String::as_str).collect();
        let c = Catalogue::build(DEFAULTS, &[], &[], &[page("https://a.dk/", &refs, 1)]);
        assert_eq!(c.len(), MAX_OUTLINKS_PER_PAGE + 1);
    }
}
