#[derive(manouche::Form)]
struct Search {
    #[field(error_messages(requird = "Say something."))]
    words: String,
}
fn main() {}
