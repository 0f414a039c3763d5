//! What crawls, analyses and networks ask of the curation: whether a URL's website is in
//! the corpus, and which actor it belongs to.

use serde::{Deserialize, Serialize};
use store::{ProjectId, Store, StoreError, WebsiteStatus};

use crate::catalogue::{Catalogue, Defaults, Resolved};

/// The reason given for leaving out a URL of an OUT website.
pub const CURATED_OUT: &str = "curated_out";
/// The reason given for leaving out a URL of an undecided website.
pub const NOT_IN_CORPUS: &str = "not_in_corpus";

/// Which websites a crawl, analysis or network takes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CorpusChoice {
    /// The project's IN websites [default].
    #[default]
    In,
    /// Every website, whatever its status.
    All,
}

impl CorpusChoice {
    pub fn keeps(self, status: WebsiteStatus) -> bool {
        match self {
            CorpusChoice::In => status == WebsiteStatus::In,
            CorpusChoice::All => true,
        }
    }
}

/// A project's catalogue with the choice a job was given.
#[derive(Debug, Clone)]
pub struct Corpus {
    pub choice: CorpusChoice,
    pub catalogue: Catalogue,
}

impl Corpus {
    /// Reads the project's curation and data (no access check: the caller made it).
    pub async fn load(
        store: &dyn Store,
        project: ProjectId,
        choice: CorpusChoice,
    ) -> Result<Corpus, StoreError> {
        let settings = store
            .project_settings(project)
            .await?
            .ok_or(StoreError::NotFound)?;
        let stored = store.project_websites(project).await?;
        let results = store.project_search_results(project).await?;
        let pages = store.project_pages(project).await?;
        Ok(Corpus {
            choice,
            catalogue: Catalogue::build(Defaults::of(&settings), &stored, &results, &pages),
        })
    }

    /// The URL's actor when the corpus takes it; `None` for URLs it leaves out or cannot read.
    pub fn take(&self, url: &str) -> Option<Resolved> {
        self.catalogue
            .resolve_url(url)
            .filter(|r| self.choice.keeps(r.status))
    }

    /// Why the corpus leaves a URL out (`None` when it takes it).
    pub fn refusal(&self, url: &search::urlnorm::WebUrl) -> Option<&'static str> {
        self.refusal_of(self.catalogue.resolve(url).status)
    }

    /// The same for a seed a researcher gave: on a website the project has not seen yet it
    /// starts as a crawled website does (the project's `search_status`), not as a link.
    pub fn seed_refusal(&self, url: &search::urlnorm::WebUrl) -> Option<&'static str> {
        let resolved = self.catalogue.resolve(url);
        let status = match resolved.actor {
            Some(_) => resolved.status,
            None => self.catalogue.default_for(crate::Origin::Crawl),
        };
        self.refusal_of(status)
    }

    fn refusal_of(&self, status: WebsiteStatus) -> Option<&'static str> {
        if self.choice.keeps(status) {
            None
        } else if status == WebsiteStatus::Out {
            Some(CURATED_OUT)
        } else {
            Some(NOT_IN_CORPUS)
        }
    }
}
