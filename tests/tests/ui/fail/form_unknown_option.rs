#[derive(manouche::Form)]
struct Search {
    #[field(lable = "Words")]
    words: String,
}
fn main() {}
