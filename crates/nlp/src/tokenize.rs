pub fn tokenize(_t: &str) -> Vec<Token> {
    Vec::new()
}
pub fn sentences(_t: &str) -> Vec<Vec<Token>> {
    Vec::new()
}
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub text: String,
}
