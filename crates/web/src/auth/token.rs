//! Bearer tokens: HS256 JWTs whose `sid` names a stored login session, so that logging
//! out (or disabling a user) revokes them before they expire.

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::Rng;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub sid: String,
    pub iat: i64,
    pub exp: i64,
}

#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKeys(<redacted>)")
    }
}

impl TokenKeys {
    pub fn new(secret: &SecretString) -> Self {
        let bytes = secret.expose_secret().as_bytes();
        Self {
            encoding: EncodingKey::from_secret(bytes),
            decoding: DecodingKey::from_secret(bytes),
        }
    }

    pub fn issue(
        &self,
        user_id: store::UserId,
        session_id: &str,
        expires_at: DateTime<Utc>,
    ) -> anyhow::Result<String> {
        let claims = Claims {
            sub: user_id.to_string(),
            sid: session_id.to_owned(),
            iat: Utc::now().timestamp(),
            exp: expires_at.timestamp(),
        };
        Ok(jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    /// Signature and expiry only; the caller checks the session is still live.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .ok()
            .map(|d| d.claims)
    }
}

pub fn new_session_id() -> String {
    let bytes: [u8; 16] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_only_with_their_key_and_before_expiry() {
        let keys = TokenKeys::new(&SecretString::from("k".repeat(40)));
        let other = TokenKeys::new(&SecretString::from("o".repeat(40)));
        let t = keys
            .issue(
                store::UserId::new(7),
                "sid",
                Utc::now() + chrono::Duration::hours(1),
            )
            .unwrap();
        let claims = keys.verify(&t).unwrap();
        assert_eq!((claims.sub.as_str(), claims.sid.as_str()), ("7", "sid"));
        assert!(other.verify(&t).is_none());
        let expired = keys
            .issue(
                store::UserId::new(7),
                "sid",
                Utc::now() - chrono::Duration::seconds(5),
            )
            .unwrap();
        assert!(keys.verify(&expired).is_none());
        assert!(keys.verify("not.a.token").is_none());
        assert_ne!(new_session_id(), new_session_id());
    }
}
