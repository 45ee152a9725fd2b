mod flights {
    use manouche::Model;

    #[derive(Model)]
    #[model(app = "flights")]
    pub struct Airport {
        pub id: i64,
    }
}

// An app lists a model of another app.
manouche::app_config! {
    name = "hotels",
    models = [flights::Airport],
}

fn main() {}
