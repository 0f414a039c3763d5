//! A project's websites as the store keeps them: discovered units added once, curation
//! written whole (merges into units added by the same curation), nothing half-applied, and
//! gone with the project.

use std::collections::BTreeMap;

use store::testing::TestDb;
use store::*;

use crate::helpers::{project_of, user};

fn unit(unit: &str, kind: &str) -> NewWebsite {
    NewWebsite {
        unit: unit.into(),
        kind: kind.into(),
    }
}

fn curation(
    unit: &str,
    kind: &str,
    status: Option<WebsiteStatus>,
    merged_into: Option<&str>,
) -> WebsiteCuration {
    WebsiteCuration {
        unit: unit.into(),
        kind: kind.into(),
        status,
        name: None,
        categories: BTreeMap::new(),
        merged_into: merged_into.map(str::to_owned),
    }
}

#[tokio::test]
async fn websites_are_added_once_and_curated_all_or_nothing() {
    let db = TestDb::new().await;
    let s = db.store.as_ref();
    let ada = user(s, "ada").await;
    let p = project_of(s, ada.id).await;
    let settings = s.project_settings(p).await.unwrap().unwrap();
    assert_eq!(
        (settings.search_status, settings.link_status),
        (WebsiteStatus::In, WebsiteStatus::Undecided)
    );
    assert!(s.project_settings(ProjectId::new(9_999)).await.unwrap().is_none());

    s.add_project_websites(p, &[unit("tv2.dk", "domain"), unit("dr.dk", "domain")])
        .await
        .unwrap();
    // Adding again leaves what is there, ids included.
    let first = s.project_websites(p).await.unwrap();
    s.add_project_websites(p, &[unit("tv2.dk", "domain"), unit("ens.dk", "domain")])
        .await
        .unwrap();
    let all = s.project_websites(p).await.unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0], first[0]);
    assert_eq!(all[0].status, None);

    // One curation: a new host merged into an existing domain, a category, an OUT.
    let mut tv2 = curation("tv2.dk", "domain", Some(WebsiteStatus::In), None);
    tv2.name = Some("TV 2".into());
    tv2.categories.insert("sector".into(), "media".into());
    s.curate_websites(
        p,
        &[
            curation("nyheder.tv2.dk", "host", None, Some("tv2.dk")),
            tv2,
            curation("dr.dk", "domain", Some(WebsiteStatus::Out), None),
        ],
    )
    .await
    .unwrap();
    let all = s.project_websites(p).await.unwrap();
    let by_unit = |u: &str| all.iter().find(|w| w.unit == u).unwrap().clone();
    let (tv2, nyheder, dr) = (by_unit("tv2.dk"), by_unit("nyheder.tv2.dk"), by_unit("dr.dk"));
    assert_eq!(nyheder.merged_into, Some(tv2.id));
    assert_eq!(nyheder.kind, "host");
    assert_eq!(tv2.name.as_deref(), Some("TV 2"));
    assert_eq!(tv2.categories["sector"], "media");
    assert_eq!(dr.status, Some(WebsiteStatus::Out));

    // A curation that breaks a rule halfway (an unknown kind) leaves everything as it was.
    let broken = s
        .curate_websites(
            p,
            &[
                curation("ens.dk", "domain", Some(WebsiteStatus::Out), None),
                curation("x.dk/a", "folder", None, None),
            ],
        )
        .await;
    assert!(broken.is_err());
    assert_eq!(s.project_websites(p).await.unwrap(), all);

    // Undoing the merge.
    s.curate_websites(p, &[curation("nyheder.tv2.dk", "host", None, None)])
        .await
        .unwrap();
    let nyheder = s
        .project_websites(p)
        .await
        .unwrap()
        .into_iter()
        .find(|w| w.unit == "nyheder.tv2.dk")
        .unwrap();
    assert_eq!(nyheder.merged_into, None);

    // Another project's websites are its own; a deleted project takes its websites along.
    let bo = user(s, "bo").await;
    let other = project_of(s, bo.id).await;
    assert!(s.project_websites(other).await.unwrap().is_empty());
    let shared = s
        .create_project(NewProject {
            name: "shared".into(),
            description: String::new(),
            created_by: ada.id,
        })
        .await
        .unwrap();
    s.add_project_websites(shared.id, &[unit("tv2.dk", "domain")])
        .await
        .unwrap();
    s.delete_project(shared.id).await.unwrap();
    assert!(s.project_websites(shared.id).await.unwrap().is_empty());
}
