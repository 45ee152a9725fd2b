#[derive(manouche::Form)]
struct Search {
    #[field(label = "Words")]
    words: Vec<String>,
}
fn main() {}
